//! Everything Leaver can be configured with, as plain data: tests build it with
//! `Settings::default()` and a few fields set; the binary fills it from a TOML file and the
//! `LEAVER_*` variables. [`Settings::check`] refuses values nothing could run with.

use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;
use url::Url;

/// Each field is also a `LEAVER_<FIELD>` variable. Serializing leaves the secrets out (the
/// binary serializes only the defaults, which hold none).
/// An unknown key (a typo in the TOML file) is refused, naming it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://PATH` (one replica) or `postgres://...` (several replicas).
    pub database_url: String,
    /// Where `serve` listens.
    pub bind: SocketAddr,
    /// The base of links in emails; defaults to the address `serve` is bound to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<Url>,
    /// The Hub's base URL.
    pub hub_url: Url,
    /// The Hub token Leaver acts with (an org admin's, or a service account's).
    #[serde(skip_serializing)]
    pub hub_token: Option<SecretString>,
    /// The orgs Leaver manages (comma-separated in the environment).
    #[serde(deserialize_with = "list")]
    pub orgs: Vec<String>,
    /// Hub accounts that are automation, not people: they do not count as a remaining admin.
    #[serde(deserialize_with = "list")]
    pub service_accounts: Vec<String>,
    /// `smtp://`, `smtps://` or `smtp://...?tls=starttls`, with credentials if needed.
    #[serde(skip_serializing)]
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
    /// Seconds a step that keeps failing transiently (408, 429, 5xx, timeouts, connection
    /// errors) is tried again, counted from its first failure in a row; then it needs an
    /// operator. One day by default, so that a Hub outage of hours resolves by itself.
    #[serde(default = "default_retry_for_secs")]
    pub retry_for_secs: u64,
    /// Whether a case's `flag_tokens` step waits until somebody acknowledges checking the
    /// orgs' Tokens Management (`true`), or succeeds without waiting and records the
    /// acknowledgement whenever given (`false`, the default).
    #[serde(default)]
    pub tokens_ack_required: bool,
    /// The time zone people's times are read and shown in: a date alone or a time without an
    /// offset in a ticket or a form is a time there, and pages show times there with their
    /// offset. `UTC` (the default) or an IANA name like `Europe/Paris`.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// The key approval links are derived from (hex, at least 32 bytes). Replicas must share it.
    /// Unset with SQLite: a key file beside the database is created and kept.
    #[serde(skip_serializing)]
    pub secret_key: Option<SecretString>,
    /// Addresses that also approve promoting a successor and removing members.
    #[serde(deserialize_with = "list")]
    pub approval_security: Vec<String>,
    /// Who is asked when an approval is overdue (or nobody else may approve).
    #[serde(deserialize_with = "list")]
    pub approval_escalate_to: Vec<String>,
    /// Who is told when a case needs an operator (comma-separated in the environment).
    #[serde(default, deserialize_with = "list")]
    pub operator_email: Vec<String>,
    /// Seconds the oldest notice to the operators waits for others, so that a burst of cases
    /// needing attention arrives as one email.
    pub operator_digest_secs: u64,
    /// Seconds between two sweeps of the drift watch over completed cases.
    pub watch_every_secs: u64,
    /// Days after a case completes during which the drift watch keeps looking.
    pub watch_days: u64,
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
    /// The SCIM apps a leaver is also deprovisioned from (TOML only: `[[apps]]`; see
    /// `crate::apps`).
    #[serde(default)]
    pub apps: Vec<crate::apps::AppSetting>,
    /// Write emails as files into this folder instead of sending them (the demo's mailbox).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailbox_dir: Option<PathBuf>,
    /// Seconds a client has to send a request's head (also how long an idle kept-alive
    /// connection stays open).
    pub header_timeout_secs: u64,
    /// Seconds a connection may go without a byte moving either way before it is closed.
    pub idle_timeout_secs: u64,
    /// Connections the web server keeps open at once (keep it under `ulimit -n`).
    pub max_connections: usize,
    /// Hours within which a leaver's access should be gone (from `effective_at`, or the case's
    /// opening, to the clean verify); the dashboard counts the cases past it, per week.
    #[serde(default = "default_revoke_target_hours")]
    pub revoke_target_hours: u64,
    /// Dollars per user per month on the Team plan (the roster's seat cost).
    #[serde(default = "default_seat_price_team")]
    pub seat_price_team: f64,
    /// Dollars per user per month on Enterprise (and Enterprise Plus).
    #[serde(default = "default_seat_price_enterprise")]
    pub seat_price_enterprise: f64,
}

/// One approval rule as the TOML file spells it.
#[derive(Clone, Debug, Deserialize, Serialize)]
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

/// The defaults: a local SQLite file, the public Hub, no token; 10 s for a request's head,
/// 60 s idle and 512 connections (half of the usual soft limit of 1024 open files, leaving the
/// rest to the database, the Hub client and the mailer).
impl Default for Settings {
    fn default() -> Settings {
        Settings {
            database_url: "sqlite://leaver.db".into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            hub_url: Url::parse("https://huggingface.co").unwrap_or_else(|_| unreachable!()),
            hub_token: None,
            orgs: Vec::new(),
            service_accounts: Vec::new(),
            smtp_url: None,
            mail_from: "leaver@localhost".into(),
            workers: 4,
            lease_secs: 120,
            batch: 8,
            retry_for_secs: default_retry_for_secs(),
            tokens_ack_required: false,
            timezone: default_timezone(),
            secret_key: None,
            approval_security: Vec::new(),
            approval_escalate_to: Vec::new(),
            operator_email: Vec::new(),
            operator_digest_secs: 300,
            watch_every_secs: 900,
            watch_days: 30,
            approval_link_hours: 72,
            approval_remind_hours: 24,
            approval_escalate_hours: 48,
            approval_rules: Vec::new(),
            apps: Vec::new(),
            mailbox_dir: None,
            header_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections: 512,
            revoke_target_hours: default_revoke_target_hours(),
            seat_price_team: default_seat_price_team(),
            seat_price_enterprise: default_seat_price_enterprise(),
        }
    }
}

impl Settings {
    /// The settings, or every value nothing could run with (one a line), each named as an
    /// operator sets it.
    pub fn check(self) -> anyhow::Result<Settings> {
        let mut problems = Vec::new();
        if leaver_store::Dialect::from_url(&self.database_url).is_none() {
            problems
                .push("LEAVER_DATABASE_URL must start with sqlite:// or postgres://".to_owned());
        }
        let at_least_one = [
            ("LEAVER_WORKERS", self.workers as u64),
            ("LEAVER_LEASE_SECS", self.lease_secs),
            ("LEAVER_BATCH", u64::from(self.batch)),
            ("LEAVER_RETRY_FOR_SECS", self.retry_for_secs),
            ("LEAVER_HEADER_TIMEOUT_SECS", self.header_timeout_secs),
            ("LEAVER_IDLE_TIMEOUT_SECS", self.idle_timeout_secs),
            ("LEAVER_MAX_CONNECTIONS", self.max_connections as u64),
            ("LEAVER_WATCH_EVERY_SECS", self.watch_every_secs),
            ("LEAVER_WATCH_DAYS", self.watch_days),
        ];
        for (name, value) in at_least_one {
            if value < 1 {
                problems.push(format!("{name} must be at least 1"));
            }
        }
        if self.watch_days > MAX_WATCH_DAYS {
            problems.push(format!(
                "LEAVER_WATCH_DAYS must be at most {MAX_WATCH_DAYS}"
            ));
        }
        if self.revoke_target_hours < 1 {
            problems.push("LEAVER_REVOKE_TARGET_HOURS must be at least 1".to_owned());
        }
        for (name, price) in [
            ("LEAVER_SEAT_PRICE_TEAM", self.seat_price_team),
            ("LEAVER_SEAT_PRICE_ENTERPRISE", self.seat_price_enterprise),
        ] {
            if !(price.is_finite() && price >= 0.0) {
                problems.push(format!(
                    "{name} must be a price of 0 or more (dollars per user per month)"
                ));
            }
        }
        if let Err(e) = leaver_core::input::Zone::named(&self.timezone) {
            problems.push(format!("LEAVER_TIMEZONE: {e}"));
        }
        anyhow::ensure!(problems.is_empty(), "{}", problems.join("\n"));
        Ok(self)
    }

    /// The zone of `LEAVER_TIMEZONE` (UTC if it names none, which [`Settings::check`] refuses).
    pub fn zone(&self) -> leaver_core::input::Zone {
        leaver_core::input::Zone::named(&self.timezone).unwrap_or_default()
    }
}

/// The seat prices of `LEAVER_SEAT_PRICE_TEAM` and `LEAVER_SEAT_PRICE_ENTERPRISE`.
impl Settings {
    pub fn seat_prices(&self) -> leaver_core::roster::SeatPrices {
        leaver_core::roster::SeatPrices {
            team: self.seat_price_team,
            enterprise: self.seat_price_enterprise,
        }
    }
}

fn default_revoke_target_hours() -> u64 {
    24
}

fn default_seat_price_team() -> f64 {
    leaver_core::roster::SeatPrices::default().team
}

fn default_seat_price_enterprise() -> f64 {
    leaver_core::roster::SeatPrices::default().enterprise
}

fn default_timezone() -> String {
    "UTC".into()
}

fn default_retry_for_secs() -> u64 {
    leaver_engine::DEFAULT_RETRY_FOR.as_secs()
}

/// The longest the drift watch may keep looking after a case completes (ten years).
const MAX_WATCH_DAYS: u64 = 3650;

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
