//! `leaver import FILE.csv [--dry-run]`: the same checks and limits as the `/import` page
//! (`leaver_app::import`), bad rows reported by line and field (the first hundred, and how many
//! more), then a progress bar while the good rows are written.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use leaver_app::Settings;
use leaver_app::import::{Dates, ERRORS_SHOWN, RowError, preview_in};
use leaver_app::model::Actor;
use std::io::{BufReader, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

/// Exits non-zero when any row was bad or refused (the good rows are still written). A file
/// over the import's limits is refused whole, and nothing is written.
pub async fn run(settings: Settings, file: &Path, dry_run: bool) -> anyhow::Result<ExitCode> {
    let data = std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?;
    let dates = Dates::new(settings.zone(), time::OffsetDateTime::now_utc());
    let checked = match preview_in(BufReader::new(data), &dates) {
        Ok(checked) => checked,
        Err(refused) => {
            eprintln!("{}: {refused}; nothing was written", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    print_errors(file, &checked.errors);
    println!("{}", checked.summary());
    if dry_run {
        println!("dry run: nothing was written");
        return Ok(exit(checked.errors.is_empty()));
    }
    let app = super::app(settings).await?;
    let progress = Progress::new(checked.good.len());
    let written = app
        .import(&checked.good, &Actor::cli(), |done| progress.set(done))
        .await?;
    progress.finish();
    print_errors(file, &written.errors);
    println!(
        "{} cases opened, {} already open, {} refused, {} rows left out for errors",
        written.created,
        written.existing,
        written.errors.len(),
        checked.bad_rows()
    );
    Ok(exit(checked.errors.is_empty() && written.errors.is_empty()))
}

/// The first [`ERRORS_SHOWN`] errors, one a line, and how many more there are.
pub(crate) fn print_errors(file: &Path, errors: &[RowError]) {
    for error in errors.iter().take(ERRORS_SHOWN) {
        eprintln!("{}: {error}", file.display());
    }
    if errors.len() > ERRORS_SHOWN {
        let more = errors.len() - ERRORS_SHOWN;
        eprintln!("{}: … and {more} more errors not listed", file.display());
    }
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A progress bar on a terminal; on a pipe (CI, logs), a line per batch written.
struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
}

impl Progress {
    fn new(total: usize) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            let style =
                ProgressStyle::with_template("{bar:40} {pos}/{len} cases {per_sec} eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Progress { bar, total }
    }

    fn set(&self, done: usize) {
        match &self.bar {
            Some(bar) => bar.set_position(done as u64),
            None => eprintln!("progress: {done}/{} cases written", self.total),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}
