//! A re-plan asked for by a person, from a fresh read of every managed org: a plan nobody was
//! asked about yet (or none at all) is made afresh; a plan already put to the approvers is
//! reconciled with the read ([`super::reconcile`], and [`super::apps::reconcile_apps`] for the
//! SCIM apps), so every step the read leaves as it was keeps its approval.

use super::apps::{AppFacts, reconcile_apps, with_apps};
use super::facts::OrgFacts;
use super::planner::{PlanContext, plan};
use super::reconcile::reconcile;
use crate::{Case, Event, StepId};
use std::borrow::Borrow;

/// The event that records the re-plan of `case` against `fresh` (and `apps`, the SCIM apps as
/// read now), or why the fresh plan cannot
/// run (a new last admin with no successor, say): nothing is recorded then.
pub fn replan<F: Borrow<OrgFacts>>(
    case: &Case,
    ctx: &PlanContext<'_>,
    fresh: &[F],
    apps: &[AppFacts],
    mut next_id: impl FnMut() -> StepId,
) -> Result<Event, Vec<String>> {
    if case.can_plan_afresh() {
        let orgs: Vec<OrgFacts> = fresh.iter().map(|f| f.borrow().clone()).collect();
        let planned = plan(ctx, &orgs, &mut next_id);
        return Ok(with_apps(planned, apps, next_id).into_event());
    }
    let found = reconcile(case, ctx, fresh, &mut next_id).and(reconcile_apps(
        case,
        ctx,
        apps,
        &mut next_id,
    ));
    if !found.blockers.is_empty() {
        return Err(found.blockers);
    }
    Ok(Event::Replanned {
        added: found.added,
        skipped: found.skipped,
    })
}
