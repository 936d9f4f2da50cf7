//! `leaver check`: is everything Leaver depends on reachable and allowed? The database, the Hub
//! token (and its rights in each org) and SMTP, each reported as it is checked.

use crate::build::{Tuning, hub_client};
use crate::settings::Settings;
use leaver_engine::read_org;
use leaver_mail::Mailer;
use leaver_store::Store;
use secrecy::ExposeSecret;

/// How one check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    Fail,
    /// Not checked (not configured).
    Skip,
}

/// One finding.
#[derive(Clone, Debug)]
pub struct Finding {
    pub status: Status,
    pub text: String,
}

/// Checks everything in turn, telling `report` each finding as soon as it is known.
pub async fn preflight(settings: &Settings, mut report: impl FnMut(Finding)) {
    let mut say = |status, text: String| report(Finding { status, text });
    match leaver_store::connect(&settings.database_url).await {
        Err(e) => say(Status::Fail, format!("database: {e}")),
        Ok(store) => match async { store.migrate().await.and(store.ping().await) }.await {
            Ok(()) => say(Status::Ok, format!("database ({:?})", store.dialect())),
            Err(e) => say(Status::Fail, format!("database: {e}")),
        },
    }
    match hub_client(settings, Tuning::default()) {
        Err(e) => say(Status::Fail, format!("hub: {e:#}")),
        Ok(hub) => match hub.whoami().await {
            Err(e) => say(Status::Fail, format!("hub token: {e}")),
            Ok(me) => {
                say(Status::Ok, format!("hub token belongs to {}", me.name));
                for org in &settings.orgs {
                    match read_org(&hub, org, &me).await {
                        Ok(facts) => {
                            let role = facts.token.role_in_org.as_deref().unwrap_or("not a member");
                            let rights = if facts.token.is_admin() {
                                "can manage members"
                            } else {
                                "CANNOT manage members (steps will be manual)"
                            };
                            let text = format!(
                                "{org}: plan {:?}, SCIM {:?}, token role {role}: {rights}",
                                facts.plan, facts.scim
                            );
                            say(Status::Ok, text);
                        }
                        Err(e) => say(Status::Fail, format!("{org}: {e}")),
                    }
                }
            }
        },
    }
    match &settings.smtp_url {
        None => say(
            Status::Skip,
            "SMTP (LEAVER_SMTP_URL is not set: emails are written to ./leaver-mailbox instead)"
                .into(),
        ),
        Some(url) => {
            let checked = match Mailer::from_url(url.expose_secret(), &settings.mail_from) {
                Ok(mailer) => mailer.check().await,
                Err(e) => Err(e),
            };
            match checked {
                Ok(()) => say(Status::Ok, "SMTP answers".into()),
                Err(e) => say(Status::Fail, format!("SMTP: {e}")),
            }
        }
    }
}
