//! Loading the settings: `leaver_app::Settings`' defaults, then an optional TOML file
//! (`--config`), then `LEAVER_*` variables, with errors named as an operator sets them.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use leaver_app::Settings;
use std::path::Path;

/// Loads settings from the defaults, the file (if given) and the environment.
pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
    let mut figment = Figment::from(Serialized::defaults(Settings::default()));
    if let Some(file) = file {
        anyhow::ensure!(
            file.is_file(),
            "config file {} does not exist",
            file.display()
        );
        figment = figment.merge(Toml::file_exact(file));
    }
    let figment = figment.merge(Env::prefixed("LEAVER_").only(&ENV_KEYS));
    let settings: Settings = figment.extract().map_err(|e| anyhow::anyhow!(explain(e)))?;
    settings.check()
}

/// The variables read from the environment (figment lower-cases them).
const ENV_KEYS: [&str; 28] = [
    "database_url",
    "bind",
    "public_url",
    "hub_url",
    "hub_token",
    "orgs",
    "service_accounts",
    "smtp_url",
    "mail_from",
    "workers",
    "lease_secs",
    "batch",
    "retry_for_secs",
    "secret_key",
    "timezone",
    "approval_security",
    "approval_escalate_to",
    "operator_email",
    "operator_digest_secs",
    "watch_every_secs",
    "watch_days",
    "approval_link_hours",
    "approval_remind_hours",
    "approval_escalate_hours",
    "mailbox_dir",
    "header_timeout_secs",
    "idle_timeout_secs",
    "max_connections",
];

/// figment's errors name the key; say it the way an operator sets it.
fn explain(error: figment::Error) -> String {
    error
        .into_iter()
        .map(|e| {
            let key = e.path.join(".");
            let variable = format!("LEAVER_{}", key.to_uppercase());
            let origin = e
                .metadata
                .as_ref()
                .map(|m| m.name.to_string())
                .unwrap_or_default();
            format!("configuration {variable} ({origin}): {}", e.kind)
        })
        .collect::<Vec<_>>()
        .join("\n")
}
