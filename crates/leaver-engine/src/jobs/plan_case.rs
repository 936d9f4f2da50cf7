//! `PlanCase`: read what the leaver holds through the shared org index, and plan the steps.
//! The index may be minutes old: the plan's `refresh` step reads afresh before the first write.
//! A leaver the orgs show nowhere is looked up on the Hub (`/api/users/{u}/overview`): a
//! username no account has blocks the plan, as a successor who is leaving too does. Each SCIM
//! app beside the Hub (`[[apps]]`) is asked for the leaver by their email: an account there
//! becomes a `deprovision_app` step, no account is recorded with the plan (`apps` in the audit
//! detail); an app that fails transiently holds the plan back, retried like the Hub.

use super::{JobError, events};
use crate::Engine;
use crate::open_cases::open_cases_of;
use crate::outcome::StepError;
use crate::settle::Settle;
use leaver_core::plan::apps::with_apps;
use leaver_core::plan::{PlanContext, holds_nothing, plan};
use leaver_core::{Case, StepId};
use serde_json::json;

pub(super) async fn handle(engine: &Engine, case: &Case) -> Result<Settle, JobError> {
    // A case awaiting its Hub username is planned once it is set (another job).
    let Some(base) = engine.config.plan_context(case) else {
        return Ok(Settle::Finish);
    };
    let snapshot = engine
        .index
        .snapshot(engine.clock.now())
        .await
        .map_err(StepError::from)?;
    let no_account = holds_nothing(&base, &snapshot.orgs) && no_account(engine, case).await?;
    let leaving = successor_leaving(engine, case).await?;
    let ctx = PlanContext {
        no_account,
        leaving: &leaving,
        ..base
    };
    let apps = crate::apps::read_all(&engine.config.apps, case).await?;
    let plan = plan(&ctx, &snapshot.orgs, StepId::random);
    let plan = with_apps(plan, &crate::apps::facts(&apps), StepId::random);
    let detail = json!({
        "steps": plan.steps,
        "blockers": plan.blockers,
        "apps": crate::apps::evidence(&apps),
    });
    Ok(events(vec![plan.into_event()], detail))
}

/// Whether the Hub says no account has the leaver's username (404); other failures are retried.
async fn no_account(engine: &Engine, case: &Case) -> Result<bool, StepError> {
    match engine
        .hub
        .user_overview(case.person.hub_username_text())
        .await
    {
        Ok(_) => Ok(false),
        Err(e) if e.kind() == leaver_hub::HubErrorKind::NotFound => Ok(true),
        Err(e) => Err(e.into()),
    }
}

/// The successor's own open cases (other than this one), if the case names a successor.
async fn successor_leaving(
    engine: &Engine,
    case: &Case,
) -> Result<Vec<(leaver_core::HubUsername, leaver_core::CaseId)>, StepError> {
    let Some(successor) = &case.successor else {
        return Ok(Vec::new());
    };
    let open = open_cases_of(engine.store.as_ref(), successor.as_str()).await?;
    Ok(open
        .into_iter()
        .filter(|c| c.id != case.id)
        .filter_map(|c| Some((c.person.hub_username?, c.id)))
        .collect())
}
