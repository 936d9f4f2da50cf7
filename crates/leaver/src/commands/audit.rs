//! `leaver audit verify` and `leaver audit export`.

use crate::cli::AuditCommand;
use crate::config::Settings;
use anyhow::Context;
use leaver_core::CaseId;
use leaver_store::{ReportStore, SqlStore, Store};
use leaver_web::evidence::Scope;
use leaver_web::evidence::export::Export;
use leaver_web::evidence::period::period;
use leaver_web::evidence::render::Format;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use time::OffsetDateTime;

pub async fn run(settings: &Settings, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let store = super::store(settings).await?;
    match command {
        AuditCommand::Verify => verify(&store).await,
        AuditCommand::Export {
            case,
            format,
            from,
            to,
        } => {
            let format: Format = format
                .parse()
                .map_err(|e| anyhow::anyhow!("--format: {e}"))?;
            let scope = match case {
                Some(id) => Scope::Case(
                    id.parse::<CaseId>()
                        .with_context(|| format!("--case {id:?} is not a case id (a UUID)"))?,
                ),
                None => period(
                    from.as_deref(),
                    to.as_deref(),
                    OffsetDateTime::now_utc(),
                    None,
                )
                .map_err(|e| anyhow::anyhow!("--{e}"))?,
            };
            export(store, scope, format).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Walks the whole chain from the first record. A break also resets the pages' verified-up-to
/// mark, so that they report it too, even when it lies before the mark.
async fn verify(store: &SqlStore) -> anyhow::Result<ExitCode> {
    let report = store.verify_audit().await?;
    match report.broken {
        None => {
            println!(
                "audit trail intact: {} records, every hash checks out",
                report.records
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(broken) => {
            store.reset_audit_mark(OffsetDateTime::now_utc()).await?;
            eprintln!(
                "audit trail BROKEN at record {}: {}",
                broken.seq, broken.reason
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Writes the export to standard output as it is read, a page of cases at a time.
async fn export(store: SqlStore, scope: Scope, format: Format) -> anyhow::Result<()> {
    let store = Arc::new(store);
    let mut export = Export::start(store.clone(), store, scope, format).await?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(piece) = export.next_piece().await? {
        out.write_all(&piece)?;
    }
    out.flush()?;
    Ok(())
}
