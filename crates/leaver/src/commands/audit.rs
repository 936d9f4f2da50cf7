//! `leaver audit verify`.

use crate::cli::AuditCommand;
use crate::config::Settings;
use leaver_store::Store;
use std::process::ExitCode;

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
    }
}
