//! `leaver check` and `serve`'s start: is everything Leaver depends on set, reachable and
//! allowed? `check` reports the settings ([`settings::problems`], the same `serve` refuses),
//! the database, the Hub token and its rights in each org (each org must exist and be
//! administered by the token), each SCIM app (`[[apps]]`: reachable, token valid, PATCH
//! supported; see [`apps`]) and SMTP, each as it is checked. `serve` refuses to start on the
//! same settings, a token the Hub refuses or an org it cannot work in ([`startup`]).

pub mod apps;
pub mod hub;
pub mod settings;

use crate::build::{Tuning, hub_client};
use crate::settings::Settings;
use hub::OrgAccess;
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
    let problems = settings::problems(settings);
    if problems.is_empty() {
        say(Status::Ok, "settings".into());
    }
    for problem in problems {
        say(Status::Fail, problem);
    }
    match leaver_store::connect(&settings.database_url).await {
        Err(e) => say(Status::Fail, format!("database: {e}")),
        Ok(store) => match async { store.migrate().await.and(store.ping().await) }.await {
            Ok(()) => say(Status::Ok, format!("database ({:?})", store.dialect())),
            Err(e) => say(Status::Fail, format!("database: {e}")),
        },
    }
    check_hub(settings, &mut say).await;
    // A bad entry is among the settings' problems above.
    for app in crate::apps::connectors(&settings.apps).unwrap_or_default() {
        let (ok, text) = apps::app_status(&app).await;
        say(if ok { Status::Ok } else { Status::Fail }, text);
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

/// The token (`whoami`), then each org: it must exist and the token administer it; what the
/// org is (plan, SCIM) is read as the planner reads it.
async fn check_hub(settings: &Settings, say: &mut impl FnMut(Status, String)) {
    if settings.hub_token.is_none() {
        return; // Named among the settings.
    }
    let hub = match hub_client(settings, Tuning::default()) {
        Ok(hub) => hub,
        Err(e) => return say(Status::Fail, format!("hub: {e:#}")),
    };
    let me = match hub.whoami().await {
        Ok(me) => me,
        Err(e) => return say(Status::Fail, hub::token_problem(&e)),
    };
    say(Status::Ok, format!("hub token belongs to {}", me.name));
    for org in &settings.orgs {
        match hub::org_access(&hub, &me, org).await {
            OrgAccess::Refused(why) | OrgAccess::Unknown(why) => say(Status::Fail, why),
            OrgAccess::Admin => match read_org(&hub, org, &me).await {
                Ok(facts) => say(
                    Status::Ok,
                    format!(
                        "{org}: plan {:?}, SCIM {:?}, the token is an admin: can manage members",
                        facts.plan, facts.scim
                    ),
                ),
                Err(e) => say(Status::Fail, format!("{org}: {e}")),
            },
        }
    }
}

/// What `serve` makes of the checks before it starts.
#[derive(Clone, Debug, Default)]
pub struct Startup {
    /// Reasons not to start, each naming what to fix.
    pub refusals: Vec<String>,
    /// What could not be checked now (the Hub unreachable): start, and say so.
    pub warnings: Vec<String>,
}

/// The settings first (no network), then the Hub: a token it refuses, an org that does not
/// exist or that the token does not administer. A Hub that cannot be reached is a warning.
pub async fn startup(settings: &Settings) -> Startup {
    let mut out = Startup {
        refusals: settings::problems(settings),
        ..Startup::default()
    };
    if !out.refusals.is_empty() {
        return out;
    }
    let hub = match hub_client(settings, Tuning::default()) {
        Ok(hub) => hub,
        Err(e) => {
            out.refusals.push(format!("{e:#}"));
            return out;
        }
    };
    let me = match hub.whoami().await {
        Ok(me) => me,
        Err(e) if hub::transient(&e) => {
            out.warnings.push(hub::token_problem(&e));
            return out;
        }
        Err(e) => {
            out.refusals.push(hub::token_problem(&e));
            return out;
        }
    };
    for org in &settings.orgs {
        match hub::org_access(&hub, &me, org).await {
            OrgAccess::Admin => {}
            OrgAccess::Refused(why) => out.refusals.push(why),
            OrgAccess::Unknown(why) => out.warnings.push(why),
        }
    }
    out
}
