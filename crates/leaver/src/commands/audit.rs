//! `leaver audit verify` and `leaver audit export`.

use crate::cli::AuditCommand;
use crate::config::Settings;
use anyhow::Context;
use leaver_core::CaseId;
use leaver_store::Store;
use leaver_web::evidence::render::{Format, render};
use leaver_web::evidence::{for_case, for_period, period_bound};
use std::process::ExitCode;
use time::OffsetDateTime;

pub async fn run(settings: &Settings, command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify => {
            let report = super::store(settings).await?.verify_audit().await?;
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
        AuditCommand::Export {
            case,
            format,
            from,
            to,
        } => {
            let format: Format = format
                .parse()
                .map_err(|e| anyhow::anyhow!("--format: {e}"))?;
            let store = super::store(settings).await?;
            let evidence = match case {
                Some(id) => {
                    let id: CaseId = id
                        .parse()
                        .with_context(|| format!("--case {id:?} is not a case id (a UUID)"))?;
                    for_case(&store, id).await?
                }
                None => {
                    let bound = |raw: Option<String>, end: bool, flag: &str| {
                        raw.map(|r| {
                            period_bound(&r, end).map_err(|e| anyhow::anyhow!("{flag}: {e}"))
                        })
                        .transpose()
                    };
                    let from = bound(from, false, "--from")?.unwrap_or(OffsetDateTime::UNIX_EPOCH);
                    let to = bound(to, true, "--to")?.unwrap_or_else(OffsetDateTime::now_utc);
                    for_period(&store, &store, from, to).await?
                }
            };
            print!("{}", render(&evidence, format)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
