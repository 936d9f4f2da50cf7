//! `leaver audit verify` and `leaver audit export`.

use super::explain;
use crate::cli::AuditCommand;
use leaver_app::evidence::Scope;
use leaver_app::evidence::period::period;
use leaver_app::evidence::render::Format;
use leaver_app::{Leaver, Settings};
use std::io::Write;
use std::process::ExitCode;

pub async fn run(settings: Settings, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let app = super::app(settings).await?;
    match command {
        AuditCommand::Verify => verify(&app).await,
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
                    app.find_case_id(&id)
                        .await
                        .map_err(|e| anyhow::anyhow!("--case: {e}"))?,
                ),
                None => period(from.as_deref(), to.as_deref(), app.now(), None)
                    .map_err(|e| anyhow::anyhow!("--{e}"))?,
            };
            export(&app, scope, format).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Walks the whole chain from the first record (a break also resets the pages' mark).
async fn verify(app: &Leaver) -> anyhow::Result<ExitCode> {
    let report = app.verify_audit().await?;
    match report.broken {
        None => {
            println!(
                "audit trail intact: {} records, every hash checks out",
                report.records
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(broken) => {
            eprintln!(
                "audit trail BROKEN at record {}: {}",
                broken.seq, broken.reason
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Writes the export to standard output as it is read, a page of cases at a time.
async fn export(app: &Leaver, scope: Scope, format: Format) -> anyhow::Result<()> {
    let mut export = app.export(scope, format).await.map_err(explain)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(piece) = export.next_piece().await? {
        out.write_all(&piece)?;
    }
    out.flush()?;
    Ok(())
}
