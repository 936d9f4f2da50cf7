//! The settings `serve` cannot run with, all at once and each naming what to set, found without
//! touching the database, the Hub or the network, and writing nothing (a SQLite key file that is
//! missing is made by `serve`, not here).

use crate::build::approvals::{check_secret_key, emails, policy};
use crate::settings::Settings;
use leaver_mail::Mailer;
use secrecy::ExposeSecret;

/// Every problem `serve` would refuse to start with; empty when there is none.
pub fn problems(settings: &Settings) -> Vec<String> {
    let mut problems = Vec::new();
    if settings.orgs.is_empty() {
        problems.push(
            "LEAVER_ORGS is not set: name the Hugging Face orgs Leaver manages \
             (LEAVER_ORGS=acme-ai,northwind)"
                .to_owned(),
        );
    }
    if settings.hub_token.is_none() {
        problems.push(
            "LEAVER_HUB_TOKEN is not set: Leaver needs an org admin's Hub token to read and \
             change the orgs"
                .to_owned(),
        );
    }
    if settings.public_url.is_none() && settings.bind.ip().is_unspecified() {
        problems.push(format!(
            "LEAVER_BIND is {} (every address) and LEAVER_PUBLIC_URL is not set: the links in \
             approval emails would point to http://{}, which nobody can open; set \
             LEAVER_PUBLIC_URL to the address people reach Leaver at \
             (LEAVER_PUBLIC_URL=https://leaver.acme.test)",
            settings.bind, settings.bind
        ));
    }
    let mut found = |result: anyhow::Result<()>| {
        if let Err(e) = result {
            problems.push(format!("{e:#}"));
        }
    };
    found(check_secret_key(settings));
    found(policy(settings).map(drop));
    found(crate::apps::connectors(&settings.apps).map(drop));
    found(emails(&settings.operator_email, "LEAVER_OPERATOR_EMAIL").map(drop));
    if settings.mailbox_dir.is_none()
        && let Some(url) = &settings.smtp_url
    {
        found(
            Mailer::from_url(url.expose_secret(), &settings.mail_from)
                .map(drop)
                .map_err(|e| anyhow::anyhow!("LEAVER_SMTP_URL or LEAVER_MAIL_FROM: {e}")),
        );
    }
    problems
}
