//! `PlanCase`: read what the leaver holds through the shared org index, and plan the steps.

use super::{JobError, events};
use crate::Engine;
use crate::outcome::StepError;
use crate::settle::Settle;
use leaver_core::plan::{PlanContext, plan};
use leaver_core::{Case, StepId};
use serde_json::json;

pub(super) async fn handle(engine: &Engine, case: &Case) -> Result<Settle, JobError> {
    let snapshot = engine
        .index
        .snapshot(engine.clock.now())
        .await
        .map_err(StepError::from)?;
    let ctx = PlanContext {
        leaver: &case.person.hub_username,
        successor: case.successor.as_ref(),
        service_accounts: &engine.config.service_accounts,
        revoke_to: engine.config.revoke_to,
    };
    let plan = plan(&ctx, &snapshot.orgs, StepId::random);
    let detail = json!({ "steps": plan.steps, "blockers": plan.blockers });
    Ok(events(vec![plan.into_event()], detail))
}
