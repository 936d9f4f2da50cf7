//! Loading the settings: `leaver_app::Settings`' defaults, then an optional TOML file
//! (`--config`), then `LEAVER_*` variables, with errors named as an operator sets them.

use figment::Figment;
use figment::error::Kind;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::Dict;
use leaver_app::Settings;
use std::path::Path;

/// Loads settings from the defaults, the file (if given) and the environment. Every problem is
/// reported at once, one a line: each bad value, each unknown key of the file, and each value
/// nothing could run with.
pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
    let defaults = Figment::from(Serialized::defaults(Settings::default()));
    let mut figment = defaults.clone();
    if let Some(file) = file {
        anyhow::ensure!(
            file.is_file(),
            "config file {} does not exist",
            file.display()
        );
        figment = figment.merge(Toml::file_exact(file));
    }
    let figment = figment.merge(Env::prefixed("LEAVER_").only(&ENV_KEYS));
    let mut values: Dict = figment
        .extract()
        .map_err(|e| anyhow::anyhow!(explain(&figment, e)))?;
    let defaults: Dict = defaults.extract()?;
    let mut problems = Vec::new();
    // serde stops at the first bad field: name it, put its default back (or drop an unknown
    // key) and read again, until the rest reads.
    for _ in 0..=values.len() {
        match Figment::from(Serialized::globals(&values)).extract::<Settings>() {
            Ok(settings) => match settings.check() {
                Ok(settings) if problems.is_empty() => return Ok(settings),
                Ok(_) => break,
                Err(e) => {
                    problems.push(e.to_string());
                    break;
                }
            },
            Err(errors) => {
                let mut set_aside = false;
                for error in errors {
                    let key = key_of(&error);
                    problems.push(explain_one(&figment, &error, key.as_deref()));
                    if let Some(key) = key {
                        set_aside |= match defaults.get(&key) {
                            Some(default) => values.insert(key, default.clone()).is_some(),
                            None => values.remove(&key).is_some(),
                        };
                    }
                }
                if !set_aside {
                    break;
                }
            }
        }
    }
    anyhow::bail!("{}", problems.join("\n"))
}

/// The top-level key an error is about, if any.
fn key_of(error: &figment::Error) -> Option<String> {
    match &error.kind {
        Kind::UnknownField(name, _) if error.path.len() <= 1 => Some(name.clone()),
        _ => error.path.first().cloned(),
    }
}

/// The variables read from the environment (figment lower-cases them).
const ENV_KEYS: [&str; 32] = [
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
    "tokens_ack_required",
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
    "revoke_target_hours",
    "seat_price_team",
    "seat_price_enterprise",
];

/// figment's errors name the key; say it the way an operator sets it.
fn explain(figment: &Figment, error: figment::Error) -> String {
    error
        .into_iter()
        .map(|e| {
            let key = key_of(&e);
            explain_one(figment, &e, key.as_deref())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One error: `configuration LEAVER_WORKERS (TOML file): invalid type: ...`, or for a key no
/// setting has, `unknown setting "orgz" (TOML file): ...`. The origin is looked up in
/// `figment`, where the value came from.
fn explain_one(figment: &Figment, error: &figment::Error, key: Option<&str>) -> String {
    let origin = key
        .and_then(|key| figment.find_metadata(key))
        .or(error.metadata.as_ref())
        .map(|m| m.name.to_string())
        .unwrap_or_else(|| "settings".into());
    match (&error.kind, key) {
        (Kind::UnknownField(name, _), _) if error.path.len() <= 1 => format!(
            "unknown setting {name:?} ({origin}): no setting has this name; check its spelling \
             against the README's list of LEAVER_* settings (in a file: without LEAVER_, in \
             lower case)"
        ),
        (kind, Some(_)) => {
            let variable = format!("LEAVER_{}", error.path.join(".").to_uppercase());
            format!("configuration {variable} ({origin}): {kind}")
        }
        (kind, None) => format!("configuration ({origin}): {kind}"),
    }
}
