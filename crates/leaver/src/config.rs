//! Configuration: defaults, then an optional TOML file (`--config`), then `LEAVER_*` variables.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize};
use std::net::SocketAddr;
use std::path::Path;
use url::Url;

/// Everything Leaver can be configured with. Each field is also a `LEAVER_<FIELD>` variable.
#[derive(Debug, Deserialize)]
#[allow(
    dead_code,
    reason = "the Hub, mail and server settings are read by `serve`, which lands with the engine"
)]
pub struct Settings {
    /// `sqlite://PATH` (one replica) or `postgres://...` (several replicas).
    pub database_url: String,
    /// Where `serve` listens.
    pub bind: SocketAddr,
    /// The base of links in emails; defaults to `http://<bind>`.
    pub public_url: Option<Url>,
    /// The Hub's base URL.
    pub hub_url: Url,
    /// The Hub token Leaver acts with (an org admin's, or a service account's).
    pub hub_token: Option<SecretString>,
    /// The orgs Leaver manages (comma-separated in the environment).
    #[serde(deserialize_with = "list")]
    pub orgs: Vec<String>,
    /// Hub accounts that are automation, not people: they do not count as a remaining admin.
    #[serde(deserialize_with = "list")]
    pub service_accounts: Vec<String>,
    /// `smtp://`, `smtps://` or `smtp://...?tls=starttls`, with credentials if needed.
    pub smtp_url: Option<SecretString>,
    /// The sender of Leaver's emails.
    pub mail_from: String,
    /// How many jobs `serve` carries out at once.
    pub workers: usize,
}

/// The defaults: a local SQLite file, the public Hub, no token.
#[derive(Serialize)]
struct Defaults {
    database_url: &'static str,
    bind: &'static str,
    hub_url: &'static str,
    orgs: Vec<String>,
    service_accounts: Vec<String>,
    mail_from: &'static str,
    workers: usize,
}

const DEFAULTS: fn() -> Defaults = || Defaults {
    database_url: "sqlite://leaver.db",
    bind: "127.0.0.1:8080",
    hub_url: "https://huggingface.co",
    orgs: Vec::new(),
    service_accounts: Vec::new(),
    mail_from: "leaver@localhost",
    workers: 4,
};

impl Settings {
    /// Loads settings from the defaults, the file (if given) and the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(DEFAULTS()));
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

    fn check(self) -> anyhow::Result<Settings> {
        anyhow::ensure!(
            leaver_store::Dialect::from_url(&self.database_url).is_some(),
            "LEAVER_DATABASE_URL must start with sqlite:// or postgres://"
        );
        anyhow::ensure!(self.workers >= 1, "LEAVER_WORKERS must be at least 1");
        Ok(self)
    }
}

/// The variables read from the environment (figment lower-cases them).
const ENV_KEYS: [&str; 10] = [
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

/// Accepts `["a", "b"]` (TOML) or `"a, b"` (environment).
fn list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List {
        One(String),
        Many(Vec<String>),
    }
    let items = match List::deserialize(deserializer)? {
        List::One(text) => text.split(',').map(str::to_owned).collect(),
        List::Many(items) => items,
    };
    Ok(items
        .into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect())
}
