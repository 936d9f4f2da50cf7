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
    /// How many worker loops `serve` runs (each claims `batch` jobs at a time).
    pub workers: usize,
    /// How long a worker holds a claimed job, in seconds, before another may take it over
    /// (the job of a worker that died runs again after this long).
    pub lease_secs: u64,
    /// How many jobs a worker claims at once; their outcomes are written in one transaction.
    pub batch: u32,
    /// The key approval links are derived from (hex, at least 32 bytes). Replicas must share it.
    /// Unset with SQLite: a key file beside the database is created and kept.
    pub secret_key: Option<SecretString>,
    /// Addresses that also approve promoting a successor and removing members.
    #[serde(deserialize_with = "list")]
    pub approval_security: Vec<String>,
    /// Who is asked when an approval is overdue (or nobody else may approve).
    #[serde(deserialize_with = "list")]
    pub approval_escalate_to: Vec<String>,
    /// How long an approval link works.
    pub approval_link_hours: u64,
    /// Quiet hours before a reminder.
    pub approval_remind_hours: u64,
    /// Hours before an undecided request is escalated.
    pub approval_escalate_hours: u64,
    /// Approval rules (TOML only: `[[approval_rules]]`); when given, they replace the default
    /// policy (the manager approves everything, plus `approval_security`).
    #[serde(default)]
    pub approval_rules: Vec<RuleSetting>,
    /// Write emails as files into this folder instead of sending them (the demo's mailbox).
    pub mailbox_dir: Option<std::path::PathBuf>,
    /// Seconds a client has to send a request's head (also how long an idle kept-alive
    /// connection stays open).
    pub header_timeout_secs: u64,
    /// Seconds a connection may go without a byte moving either way before it is closed.
    pub idle_timeout_secs: u64,
    /// Connections the web server keeps open at once (keep it under `ulimit -n`).
    pub max_connections: usize,
}

/// One approval rule as the TOML file spells it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetting {
    /// A short name shown to approvers (`security`).
    pub name: String,
    /// `"manager"` (the leaver's manager) or email addresses.
    pub approvers: Vec<String>,
    /// Step kinds it covers (`remove_member`, ...); empty or absent: every step.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// `any` (one yes is enough, the default) or `all`.
    #[serde(default = "any")]
    pub mode: String,
}

fn any() -> String {
    "any".into()
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
    lease_secs: u64,
    batch: u32,
    approval_security: Vec<String>,
    approval_escalate_to: Vec<String>,
    approval_link_hours: u64,
    approval_remind_hours: u64,
    approval_escalate_hours: u64,
    header_timeout_secs: u64,
    idle_timeout_secs: u64,
    max_connections: usize,
}

/// The web server's limits, as `leaver_web` sets them by default.
const WEB: leaver_web::ConnectionLimits = leaver_web::ConnectionLimits::DEFAULT;

const DEFAULTS: fn() -> Defaults = || Defaults {
    database_url: "sqlite://leaver.db",
    bind: "127.0.0.1:8080",
    hub_url: "https://huggingface.co",
    orgs: Vec::new(),
    service_accounts: Vec::new(),
    mail_from: "leaver@localhost",
    workers: 4,
    lease_secs: 120,
    batch: 8,
    approval_security: Vec::new(),
    approval_escalate_to: Vec::new(),
    approval_link_hours: 72,
    approval_remind_hours: 24,
    approval_escalate_hours: 48,
    header_timeout_secs: WEB.header_timeout.as_secs(),
    idle_timeout_secs: WEB.idle_timeout.as_secs(),
    max_connections: WEB.max_connections,
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
        anyhow::ensure!(self.lease_secs >= 1, "LEAVER_LEASE_SECS must be at least 1");
        anyhow::ensure!(self.batch >= 1, "LEAVER_BATCH must be at least 1");
        anyhow::ensure!(
            self.header_timeout_secs >= 1,
            "LEAVER_HEADER_TIMEOUT_SECS must be at least 1"
        );
        anyhow::ensure!(
            self.idle_timeout_secs >= 1,
            "LEAVER_IDLE_TIMEOUT_SECS must be at least 1"
        );
        anyhow::ensure!(
            self.max_connections >= 1,
            "LEAVER_MAX_CONNECTIONS must be at least 1"
        );
        Ok(self)
    }
}

/// The variables read from the environment (figment lower-cases them).
const ENV_KEYS: [&str; 22] = [
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
    "secret_key",
    "approval_security",
    "approval_escalate_to",
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
