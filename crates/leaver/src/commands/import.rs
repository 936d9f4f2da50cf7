//! `leaver import FILE.csv [--dry-run]`: the same checks as the `/import` page (shared code in
//! `leaver_web::import`), every bad row reported by line and field, then a progress bar while
//! the good rows are written.

use crate::config::Settings;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use leaver_store::Actor;
use leaver_web::import::{preview, write};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

/// Exits non-zero when any row was bad or refused (the good rows are still written).
pub async fn run(settings: &Settings, file: &Path, dry_run: bool) -> anyhow::Result<ExitCode> {
    let data = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let checked = preview(&data);
    for error in &checked.errors {
        eprintln!("{}: {error}", file.display());
    }
    println!(
        "{} rows: {} good, {} with errors",
        checked.rows,
        checked.good.len(),
        checked.bad_rows()
    );
    if dry_run {
        println!("dry run: nothing was written");
        return Ok(exit(checked.errors.is_empty()));
    }
    let store = super::store(settings).await?;
    let progress = Progress::new(checked.good.len());
    let written = write(&store, &checked.good, &Actor::cli(), |done| {
        progress.set(done)
    })
    .await?;
    progress.finish();
    for error in &written.errors {
        eprintln!("{}: {error}", file.display());
    }
    println!(
        "{} cases opened, {} already open, {} refused, {} rows left out for errors",
        written.created,
        written.existing,
        written.errors.len(),
        checked.bad_rows()
    );
    Ok(exit(checked.errors.is_empty() && written.errors.is_empty()))
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
