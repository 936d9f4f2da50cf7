//! `deprovision_app`: the leaver's account in one SCIM app beside the Hub, found by their email
//! as a Hub step finds its member: read first (`GET /Users?filter`), write only what is still
//! needed (PATCH `active: false`, or PUT of the whole resource where the app's
//! ServiceProviderConfig says PATCH is unsupported or the app refuses the PATCH; or DELETE),
//! then read back (`GET /Users/{id}`). The evidence is the account before and after.

use super::StepContext;
use crate::apps::{AppConnector, user_evidence};
use crate::outcome::{Outcome, StepError};
use leaver_core::Target;
use leaver_core::plan::apps::AppAction;
use leaver_scim_client::{RemoteUser, ScimClientError, ScimFailure};
use serde_json::json;

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Outcome, StepError> {
    let app = connector(cx)?;
    let before = app.read(cx.case).await?;
    let Some(user) = before.user.clone().filter(|_| before.facts.holds()) else {
        let note = format!(
            "{} shows {} for {}",
            app.name,
            before.facts.finding(),
            email(cx)
        );
        let found = before.user.as_ref();
        return Ok(done(app, note, "none", found, found));
    };
    let write = write(app, &user).await?;
    let after = app.client.user(&user.id).await?;
    let gone = match (app.action, &after) {
        (_, None) => true,
        (AppAction::Deactivate, Some(after)) => !after.view.active,
        (AppAction::Delete, Some(_)) => false,
    };
    if !gone {
        let still = match app.action {
            AppAction::Deactivate => "active",
            AppAction::Delete => "there",
        };
        return Err(StepError::NotVisible(format!(
            "{} still shows {}'s account {still} after {write}",
            app.name,
            email(cx)
        )));
    }
    let note = match after {
        None => format!(
            "{} no longer holds {}'s account ({write})",
            app.name,
            email(cx)
        ),
        Some(_) => format!(
            "{} shows {}'s account inactive ({write})",
            app.name,
            email(cx)
        ),
    };
    Ok(done(app, note, write, Some(&user), after.as_ref()))
}

/// Looks, without writing, whether the app shows the step done; `Some(note)` when it does.
pub(crate) async fn check(cx: &StepContext<'_>) -> Result<Option<String>, StepError> {
    let app = connector(cx)?;
    let read = app.read(cx.case).await?;
    Ok((!read.facts.holds()).then(|| {
        format!(
            "{} shows {} for {}",
            app.name,
            read.facts.finding(),
            email(cx)
        )
    }))
}

/// The write the app's action calls for; its name (`PATCH`, `PUT`, `DELETE`) for the record.
async fn write(app: &AppConnector, user: &RemoteUser) -> Result<&'static str, StepError> {
    let written = match app.action {
        AppAction::Delete => return absent_is_done(app.client.delete(&user.id).await, "DELETE"),
        AppAction::Deactivate if app.client.features().await?.patch => {
            app.client.deactivate_with_patch(&user.id).await
        }
        AppAction::Deactivate => return put(app, user).await,
    };
    match written {
        // The configuration said PATCH, the app says otherwise: replace the whole resource.
        Err(e) if e.failure == ScimFailure::Unsupported => put(app, user).await,
        other => absent_is_done(other, "PATCH"),
    }
}

async fn put(app: &AppConnector, user: &RemoteUser) -> Result<&'static str, StepError> {
    absent_is_done(app.client.deactivate_with_put(user).await, "PUT")
}

/// A 404 on the write: the account went meanwhile (or a retried write had gone through); the
/// read-back decides.
fn absent_is_done(
    written: Result<(), ScimClientError>,
    how: &'static str,
) -> Result<&'static str, StepError> {
    match written {
        Ok(()) => Ok(how),
        Err(e) if e.is_not_found() => Ok(how),
        Err(e) => Err(e.into()),
    }
}

fn done(
    app: &AppConnector,
    note: String,
    write: &str,
    before: Option<&RemoteUser>,
    after: Option<&RemoteUser>,
) -> Outcome {
    let evidence = json!({
        "app": app.name,
        "base_url": app.client.base_url().as_str(),
        "match": app.match_by.as_str(),
        "action": app.action,
        "write": write,
        "before": user_evidence(before),
        "after": user_evidence(after),
    });
    Outcome::Done { note, evidence }
}

/// The configured app the step targets.
fn connector<'a>(cx: &StepContext<'a>) -> Result<&'a AppConnector, StepError> {
    let Target::App(name) = &cx.step.target else {
        return Err(StepError::Refused(format!(
            "step target {} is not an app",
            cx.step.target
        )));
    };
    cx.config
        .apps
        .iter()
        .find(|app| &app.name == name)
        .ok_or_else(|| {
            StepError::Refused(format!(
                "no app named {name} is configured any more ([[apps]]): add it back, or skip the step"
            ))
        })
}

fn email<'a>(cx: &StepContext<'a>) -> &'a str {
    cx.case.person.email.as_str()
}
