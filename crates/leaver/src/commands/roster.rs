//! `leaver roster import FILE.csv [--dry-run]` and `leaver roster report [--json|--csv]`: the
//! roster of people who should be in the managed orgs (issue 16), through the same use cases as
//! the `/roster` page (`leaver_app::roster`). Not `leaver user list` (Leaver's operators).

use anyhow::Context;
use clap::Subcommand;
use leaver_app::Leaver;
use leaver_app::Settings;
use leaver_app::model::Actor;
use leaver_app::roster::RosterReport;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// Make a CSV file the roster (columns: email,hub_username,status,end_date,manager_email;
    /// status is active or terminated). It replaces the previous import whole, recorded in the
    /// audit trail; a file with any bad row changes nothing.
    Import {
        /// The CSV file (with a header row).
        file: PathBuf,
        /// Check the file and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Reconcile the roster with the managed orgs (one read of each): orphans, missed
    /// offboardings, pending invitations, gated access from outside, single admins, service
    /// accounts, and what orphans and invitations cost a month.
    Report {
        /// Print JSON (the rows, dismissed rows and costs).
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV (one line per row).
        #[arg(long)]
        csv: bool,
    },
}

pub async fn run(settings: Settings, command: RosterCommand) -> anyhow::Result<ExitCode> {
    match command {
        RosterCommand::Import { file, dry_run } => import(settings, &file, dry_run).await,
        RosterCommand::Report { json, csv } => {
            let app = Leaver::build(settings).await?;
            app.refresh_roster().await.map_err(super::explain)?;
            let report = app.roster_report().await.map_err(super::explain)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else if csv {
                print!("{}", report.to_csv());
            } else {
                print_report(&report);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn import(settings: Settings, file: &Path, dry_run: bool) -> anyhow::Result<ExitCode> {
    let data = std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?;
    let checked = match leaver_app::roster::import::preview(BufReader::new(data)) {
        Ok(checked) => checked,
        Err(refused) => {
            eprintln!("{}: {refused}; nothing was written", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    super::import::print_errors(file, &checked.errors);
    println!("{}", checked.summary());
    if !checked.errors.is_empty() {
        println!("the roster was not changed: fix the rows above and import the whole file again");
        return Ok(ExitCode::FAILURE);
    }
    if dry_run {
        println!("dry run: nothing was written");
        return Ok(ExitCode::SUCCESS);
    }
    let app = super::app(settings).await?;
    let import = app
        .import_roster(&checked, &Actor::cli())
        .await
        .map_err(super::explain)?;
    println!(
        "roster replaced: {} people ({} active, {} terminated), import {}",
        import.entries, import.active, import.terminated, import.id
    );
    Ok(ExitCode::SUCCESS)
}

fn print_report(report: &RosterReport) {
    match &report.import {
        Some(i) => println!(
            "roster: {} people from the import of {} by {}, {} from SCIM",
            report.roster_entries, i.imported_at, i.imported_by, report.scim_entries
        ),
        None => println!("roster: no import yet ({} from SCIM)", report.scim_entries),
    }
    println!(
        "{:<20} {:<22} {:<32} {:<22} DETAIL",
        "ORG", "KIND", "SUBJECT", "SEEN SINCE"
    );
    for row in &report.rows {
        let f = &row.finding;
        println!(
            "{:<20} {:<22} {:<32} {:<22} {}",
            f.org,
            f.kind.as_str(),
            f.subject,
            row.first_seen.date(),
            f.detail
        );
    }
    if !report.dismissed.is_empty() {
        println!(
            "{} dismissed rows (see --json or --csv)",
            report.dismissed.len()
        );
    }
    println!(
        "{:<20} {:>8} {:>8} {:>12} {:>10} {:>12}",
        "ORG", "MEMBERS", "ORPHANS", "INVITATIONS", "SEAT $", "MONTHLY $"
    );
    for c in &report.costs {
        let invitations = c
            .invitations
            .map_or("not shown".to_owned(), |n| n.to_string());
        println!(
            "{:<20} {:>8} {:>8} {:>12} {:>10.2} {:>12.2}",
            c.org, c.members, c.orphans, invitations, c.seat_price, c.monthly_cost
        );
    }
    println!(
        "monthly cost of orphans and pending invitations: ${:.2}",
        report.monthly_cost
    );
}
