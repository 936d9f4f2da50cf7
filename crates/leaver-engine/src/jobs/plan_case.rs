//! `PlanCase`: read what the leaver holds through the shared org index, and plan the steps.
//! The index may be minutes old: the plan's `refresh` step reads afresh before the first write.

use super::{JobError, events};
use crate::Engine;
use crate::outcome::StepError;
use crate::settle::Settle;
use leaver_core::plan::plan;
use leaver_core::{Case, StepId};
use serde_json::json;

pub(super) async fn handle(engine: &Engine, case: &Case) -> Result<Settle, JobError> {
    let snapshot = engine
        .index
        .snapshot(engine.clock.now())
        .await
        .map_err(StepError::from)?;
    let ctx = engine.config.plan_context(case);
    let plan = plan(&ctx, &snapshot.orgs, StepId::random);
    let detail = json!({ "steps": plan.steps, "blockers": plan.blockers });
    Ok(events(vec![plan.into_event()], detail))
}
