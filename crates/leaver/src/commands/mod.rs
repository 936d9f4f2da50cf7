//! One module per command family; each takes the parsed arguments and the settings, calls
//! `leaver_app` and prints what came of it.

pub mod accounts;
pub mod audit;
pub mod case;
pub mod case_ref;
pub mod case_tokens;
pub mod check;
pub mod demo;
pub mod hook;
pub mod import;
pub mod migrate;
pub mod plan;
pub mod roster;
pub mod serve;

use leaver_app::{Leaver, Settings};

/// Leaver over the configured database (its schema brought up to date), for commands that call
/// no Hub and send no email.
pub async fn app(settings: Settings) -> anyhow::Result<Leaver> {
    Leaver::builder(settings).database_only().await
}

/// A use case's failure as the command line says it: bad fields by their flags (`--hub-user:
/// ...`), anything else as it reads.
pub fn explain(error: leaver_app::Error) -> anyhow::Error {
    match error {
        leaver_app::Error::Invalid(fields) => {
            let lines: Vec<String> = fields
                .iter()
                .map(|e| format!("--{}: {}", flag(e.field), e.message))
                .collect();
            anyhow::anyhow!(lines.join("\n"))
        }
        other => other.into(),
    }
}

/// The command-line flag for a field.
pub fn flag(field: &str) -> String {
    match field {
        "hub_username" => "hub-user".into(),
        "manager_email" => "manager".into(),
        "password" => "password-stdin".into(),
        other => other.replace('_', "-"),
    }
}
