//! Approval emails from the settings: the key links derive from, the policy, the mailer, and
//! the sealer of held Hub tokens (derived from the same key).

use crate::approvals::ApprovalLinks;
use crate::settings::{RuleSetting, Settings};
use anyhow::Context;
use leaver_core::approval::{Approver, Mode, Policy, Rule};
use leaver_core::{EmailAddress, StepKind};
use leaver_engine::{ApprovalMail, ApprovalSettings, Minter};
use leaver_mail::Mailer;
use leaver_store::TokenSealer;
use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What the engine and the approval pages need, and the sealer of held Hub tokens.
pub(crate) struct ApprovalSetup {
    pub mail: ApprovalMail,
    pub links: ApprovalLinks,
    pub token_sealer: Arc<TokenSealer>,
}

/// Builds the approval set-up, with links leading to `public_url`; explains what is missing.
pub(crate) fn approval_setup(
    settings: &Settings,
    public_url: &url::Url,
) -> anyhow::Result<ApprovalSetup> {
    let hours = |h: u64| Duration::from_secs(h * 3600);
    let approval = ApprovalSettings {
        policy: policy(settings)?,
        link_lifetime: hours(settings.approval_link_hours),
        remind_after: hours(settings.approval_remind_hours),
        escalate_after: hours(settings.approval_escalate_hours),
        operators: emails(&settings.operator_email, "LEAVER_OPERATOR_EMAIL")?,
        operator_digest: Duration::from_secs(settings.operator_digest_secs),
        ..ApprovalSettings::default()
    };
    let key = secret_key(settings)?;
    let token_sealer = Arc::new(token_sealer(settings, &key));
    let minter = Arc::new(Minter::new(key, public_url));
    let mail = ApprovalMail {
        settings: approval.clone(),
        minter: minter.clone(),
        mailer: mailer(settings)?,
    };
    Ok(ApprovalSetup {
        mail,
        links: ApprovalLinks {
            minter,
            lifetime: approval.link_lifetime,
        },
        token_sealer,
    })
}

/// `[[approval_rules]]` when given, else the manager plus `LEAVER_APPROVAL_SECURITY`.
pub(crate) fn policy(settings: &Settings) -> anyhow::Result<Policy> {
    let escalate_to = emails(
        &settings.approval_escalate_to,
        "LEAVER_APPROVAL_ESCALATE_TO",
    )?;
    if settings.approval_rules.is_empty() {
        let security = emails(&settings.approval_security, "LEAVER_APPROVAL_SECURITY")?;
        return Ok(Policy::standard(security, escalate_to));
    }
    let rules = settings
        .approval_rules
        .iter()
        .enumerate()
        .map(|(n, r)| rule(n, r));
    Ok(Policy {
        rules: rules.collect::<anyhow::Result<_>>()?,
        escalate_to,
    })
}

pub(crate) fn emails(list: &[String], var: &str) -> anyhow::Result<Vec<EmailAddress>> {
    list.iter()
        .map(|e| EmailAddress::parse(e).map_err(|why| anyhow::anyhow!("{var}: {e:?} {why}")))
        .collect()
}

/// One `[[approval_rules]]` entry, with errors that say which entry and field.
fn rule(n: usize, setting: &RuleSetting) -> anyhow::Result<Rule> {
    let at = |field: &str| format!("approval_rules[{n}].{field}");
    let approvers = setting
        .approvers
        .iter()
        .map(|a| match a.as_str() {
            "manager" => Ok(Approver::Manager),
            email => EmailAddress::parse(email)
                .map(Approver::Email)
                .map_err(|why| anyhow::anyhow!("{}: {email:?} {why}", at("approvers"))),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    anyhow::ensure!(
        !approvers.is_empty(),
        "{}: name at least one approver",
        at("approvers")
    );
    let kinds = setting
        .kinds
        .iter()
        .map(|k| {
            k.parse::<StepKind>()
                .map_err(|why| anyhow::anyhow!("{}: {why}", at("kinds")))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mode = match setting.mode.as_str() {
        "any" => Mode::Any,
        "all" => Mode::All,
        other => anyhow::bail!("{}: {other:?} is not any or all", at("mode")),
    };
    Ok(Rule {
        name: setting.name.clone(),
        approvers,
        kinds,
        mode,
    })
}

fn mailer(settings: &Settings) -> anyhow::Result<Mailer> {
    if let Some(dir) = &settings.mailbox_dir {
        return Ok(Mailer::mailbox(dir.clone(), &settings.mail_from)?);
    }
    match &settings.smtp_url {
        Some(url) => Ok(Mailer::from_url(url.expose_secret(), &settings.mail_from)
            .context("LEAVER_SMTP_URL")?),
        None => {
            let dir = PathBuf::from("leaver-mailbox");
            tracing::warn!(
                "LEAVER_SMTP_URL is not set: emails are written to {} instead of sent",
                dir.display()
            );
            Ok(Mailer::mailbox(dir, &settings.mail_from)?)
        }
    }
}

/// The sealer of held Hub tokens, which also knows Leaver's own Hub token (by a digest) so
/// that it is refused when handed over to revoke.
fn token_sealer(settings: &Settings, key: &[u8]) -> TokenSealer {
    let sealer = TokenSealer::new(key);
    match &settings.hub_token {
        Some(own) => sealer.knowing_leavers_own(own.expose_secret()),
        None => sealer,
    }
}

/// `LEAVER_SECRET_KEY`, or (SQLite only) a key kept in a file beside the database.
pub(crate) fn secret_key(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(key) = &settings.secret_key {
        return decode_key(key.expose_secret());
    }
    let path = key_file(settings)?;
    if let Ok(hex_key) = std::fs::read_to_string(&path) {
        return hex::decode(hex_key.trim())
            .with_context(|| format!("reading the key file {}", path.display()));
    }
    let key: [u8; 32] = rand::random();
    write_private(&path, &hex::encode(key))
        .with_context(|| format!("writing the key file {}", path.display()))?;
    Ok(key.to_vec())
}

/// Whether [`secret_key`] would find a usable key (or make one), writing nothing: `leaver
/// check` and `serve`'s start ask this before anything is built.
pub(crate) fn check_secret_key(settings: &Settings) -> anyhow::Result<()> {
    if let Some(key) = &settings.secret_key {
        return decode_key(key.expose_secret()).map(drop);
    }
    let path = key_file(settings)?;
    match std::fs::read_to_string(&path) {
        Ok(hex_key) => hex::decode(hex_key.trim())
            .map(drop)
            .with_context(|| format!("reading the key file {}", path.display())),
        // Made at the first start, beside the database.
        Err(_) => Ok(()),
    }
}

fn decode_key(hex_key: &str) -> anyhow::Result<Vec<u8>> {
    let key = hex::decode(hex_key.trim())
        .context("LEAVER_SECRET_KEY must be hex (make one with `openssl rand -hex 32`)")?;
    anyhow::ensure!(
        key.len() >= 32,
        "LEAVER_SECRET_KEY must hold at least 32 bytes (64 hex digits; make one with `openssl rand -hex 32`)"
    );
    Ok(key)
}

/// Where a SQLite database keeps its key when `LEAVER_SECRET_KEY` is not set; an error on
/// Postgres, whose replicas must share one key.
fn key_file(settings: &Settings) -> anyhow::Result<PathBuf> {
    settings
        .database_url
        .strip_prefix("sqlite://")
        .map(|rest| PathBuf::from(format!("{}.key", rest.split('?').next().unwrap_or(rest))))
        .context(
            "set LEAVER_SECRET_KEY (64 hex digits, the same on every replica; make one with `openssl rand -hex 32`) when using Postgres",
        )
}

fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(content.as_bytes())
}
