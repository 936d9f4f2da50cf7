//! A re-plan asked for by a person, from a fresh read of every managed org: a plan nobody was
//! asked about yet (or none at all) is made afresh; a plan already put to the approvers is
//! reconciled with the read ([`super::reconcile`]), so every step the read leaves as it was keeps
//! its approval.

use super::facts::OrgFacts;
use super::planner::{PlanContext, plan};
use super::reconcile::reconcile;
use crate::{Case, Event, StepId};
use std::borrow::Borrow;

/// The event that records the re-plan of `case` against `fresh`, or why the fresh plan cannot
/// run (a new last admin with no successor, say): nothing is recorded then.
pub fn replan<F: Borrow<OrgFacts>>(
    case: &Case,
    ctx: &PlanContext<'_>,
    fresh: &[F],
    mut next_id: impl FnMut() -> StepId,
) -> Result<Event, Vec<String>> {
    if case.can_plan_afresh() {
        let orgs: Vec<OrgFacts> = fresh.iter().map(|f| f.borrow().clone()).collect();
        return Ok(plan(ctx, &orgs, next_id).into_event());
    }
    let found = reconcile(case, ctx, fresh, &mut next_id);
    if !found.blockers.is_empty() {
        return Err(found.blockers);
    }
    Ok(Event::Replanned {
        added: found.added,
        skipped: found.skipped,
    })
}
