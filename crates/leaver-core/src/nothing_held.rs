//! A leaver Leaver finds nowhere: the plan is blocked ("holds nothing Leaver can see in ...:
//! confirm or cancel") rather than run to a green case nobody looked at, until an operator
//! confirms that nothing is held ([`crate::Event::NothingHeldConfirmed`]). Then the plan's own
//! steps (tokens, verify) run, and the case completes from verify's read.

use crate::step::StepEvent;
use crate::{Case, CaseState, StepKind, StepState};

/// What the plan of a leaver found in none of `orgs` is blocked with.
pub fn nothing_held_reason(leaver: &str, orgs: &[&str]) -> String {
    let orgs = if orgs.is_empty() {
        "no managed org (LEAVER_ORGS is empty)".to_owned()
    } else {
        orgs.join(", ")
    };
    format!("{leaver}{MARKER}{orgs}: confirm or cancel")
}

/// Whether `reason` is the blocker [`nothing_held_reason`] makes.
pub(crate) fn is_nothing_held_reason(reason: &str) -> bool {
    reason.contains(MARKER)
}

/// The words that tell this blocker from the others.
const MARKER: &str = " holds nothing Leaver can see in ";

/// Whether `case` waits for an operator to confirm that its leaver holds nothing: its plan is
/// blocked by that reason alone and takes nothing away (only the tokens and the reads).
pub fn awaits_confirmation(case: &Case) -> bool {
    let Some(reason) = case.blocked_reason.as_deref() else {
        return false;
    };
    let only_this = reason
        .strip_prefix(case.person.hub_username_text())
        .is_some_and(|rest| rest.starts_with(MARKER) && !rest.contains("; "));
    case.state == CaseState::NeedsAttention
        && only_this
        && case.steps.iter().all(|s| {
            matches!(
                s.kind,
                StepKind::Refresh | StepKind::FlagTokens | StepKind::Verify
            ) && s.state == StepState::Planned
        })
}

/// Lifts the block on `next` (a copy of `case`, which [`awaits_confirmation`]): the reads that
/// need no approver are approved, as a plan that was never blocked has them.
pub(crate) fn confirm(next: &mut Case) -> Result<(), crate::DomainError> {
    next.blocked_reason = None;
    let reads: Vec<_> = next
        .steps
        .iter()
        .filter(|s| s.kind.reads_footprint() && !s.kind.waits_for_the_approvers())
        .map(|s| s.id)
        .collect();
    for id in reads {
        crate::transition::advance(next, id, StepEvent::Approve)?;
    }
    Ok(())
}
