//! Which steps may run now. The order is a property of the plan, checked here, so it holds
//! whatever order events arrive in:
//! - within one org, a step waits for every step of an earlier kind on that org (so
//!   `strip_access` and `remove_member` wait for `reassign_last_admin` to succeed);
//! - a step without an org (tokens, verify) waits for every step of an earlier kind;
//! - "waits" means the earlier step succeeded or was skipped; a failed or rejected one holds
//!   its successors back until an operator acts;
//! - a step an approver chose to keep (`Step::kept_by`, rejected on its own while the rest was
//!   approved) lets its successors run, except one: a kept `reassign_last_admin` (the successor
//!   is not promoted) *holds* the org's `strip_access` and `remove_member`, which would leave the
//!   org without a human admin. A held step waits for an operator ([`held_by`]).

use crate::{Case, Step, StepKind, StepState};

/// Whether `earlier` must finish before `later` may start.
pub fn must_precede(earlier: &Step, later: &Step) -> bool {
    if earlier.kind >= later.kind {
        return false;
    }
    match (earlier.target.org(), later.target.org()) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Whether every step that must precede `step` has let it through.
pub fn predecessors_done(case: &Case, step: &Step) -> bool {
    case.steps
        .iter()
        .filter(|other| must_precede(other, step))
        .all(|other| other.state.lets_successors_run() || (other.is_kept() && !holds(other, step)))
}

/// Whether the kept step `kept` holds `later` back for good: a successor not promoted keeps
/// its org's admin-safety steps (`strip_access`, `remove_member`) from running.
fn holds(kept: &Step, later: &Step) -> bool {
    kept.kind == StepKind::ReassignLastAdmin
        && matches!(later.kind, StepKind::StripAccess | StepKind::RemoveMember)
        && kept.target.org().is_some()
        && kept.target.org() == later.target.org()
}

/// The kept step that holds the approved `step` back, if one does: it will not run until an
/// operator acts (skips it, or puts the kept step to the approvers again).
pub fn held_by<'a>(case: &'a Case, step: &Step) -> Option<&'a Step> {
    if step.state != StepState::Approved {
        return None;
    }
    case.steps
        .iter()
        .find(|other| other.is_kept() && must_precede(other, step) && holds(other, step))
}

/// Whether `step` may be started now (approved, predecessors done, case open and not blocked).
pub fn is_runnable(case: &Case, step: &Step) -> bool {
    !case.state.is_closed()
        && case.blocked_reason.is_none()
        && step.state == StepState::Approved
        && predecessors_done(case, step)
}

/// The ids of every runnable step, in plan order.
pub fn runnable(case: &Case) -> Vec<crate::StepId> {
    case.steps
        .iter()
        .filter(|s| is_runnable(case, s))
        .map(|s| s.id)
        .collect()
}
