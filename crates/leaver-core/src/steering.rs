//! What people do to steer a case once it is open: HR changes the ticket, an operator or an
//! approver names the successor, a fresh read re-plans, an operator skips a step or puts
//! rejected steps to the approvers again.
//!
//! - The ticket and the plan change only until the case's first Hub write
//!   ([`Case::first_write`]); a skip or a re-ask is an operator's call at any time.
//! - A new successor on a plan nobody was asked about yet (blocked for want of one) plans the
//!   case afresh. On a plan already put to the approvers, the steps promoting the successor
//!   that have not run are asked again (the approvers approved promoting someone else), and a
//!   fresh read that failed for want of a successor reads again.
//! - A new `effective_at` reschedules every runnable step (earlier or later); a new manager is
//!   handed the old manager's open links by the store, in the same transaction.
//! - A re-plan keeps every step the fresh read left as it was, with its approval.

use crate::footprint_change::FootprintChange;
use crate::step::StepEvent;
use crate::ticket_update::TicketChange;
use crate::transition::advance;
use crate::{
    AddedStep, Case, DomainError, Effect, HubUsername, SkippedStep, StepId, StepKind, StepState,
};

/// Refuses a change to the ticket or the plan once the case has written to the Hub.
fn before_first_write(case: &Case) -> Result<(), DomainError> {
    match case.first_write() {
        Some(step) => Err(DomainError::HubWriteStarted {
            kind: step.kind,
            target: step.target.clone(),
        }),
        None => Ok(()),
    }
}

/// Applies HR's `changes` to `next`. Returns whether the runnable steps must be scheduled
/// again (the effective time moved).
pub(crate) fn update_ticket(
    case: &Case,
    next: &mut Case,
    changes: &[TicketChange],
    effects: &mut Vec<Effect>,
) -> Result<bool, DomainError> {
    before_first_write(case)?;
    let mut reschedule = false;
    for change in changes {
        if !change.replaces_current(case) {
            return Err(DomainError::StaleChange {
                field: change.field(),
            });
        }
        change.write(next);
        match change {
            TicketChange::EffectiveAt { .. } => reschedule = true,
            TicketChange::Successor { to, .. } => successor_changed(case, next, to, effects)?,
            TicketChange::HubUsername { .. } => {
                crate::awaiting_username::hub_username_known(case, next, effects)
            }
            _ => {}
        }
    }
    Ok(reschedule)
}

/// An approver (or the operator) names the successor.
pub(crate) fn choose_successor(
    case: &Case,
    next: &mut Case,
    successor: HubUsername,
    effects: &mut Vec<Effect>,
) -> Result<(), DomainError> {
    before_first_write(case)?;
    if case
        .person
        .hub_username
        .as_ref()
        .is_some_and(|leaver| leaver.is(successor.as_str()))
    {
        return Err(DomainError::InvalidText {
            field: "successor",
            message: "cannot be the person who leaves".into(),
        });
    }
    next.successor = Some(successor.clone());
    successor_changed(case, next, &Some(successor), effects)
}

fn successor_changed(
    case: &Case,
    next: &mut Case,
    successor: &Option<HubUsername>,
    effects: &mut Vec<Effect>,
) -> Result<(), DomainError> {
    next.successor = successor.clone();
    if case.can_plan_afresh() {
        // Not planned yet: the planning job to come reads the new successor.
        if !case.steps.is_empty() {
            next.blocked_reason = None;
            next.steps.clear();
            if !effects.contains(&Effect::PlanCase) {
                effects.push(Effect::PlanCase);
            }
        }
        return Ok(());
    }
    let promotions: Vec<StepId> = next
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::ReassignLastAdmin)
        .filter(|s| matches!(s.state, StepState::Approved | StepState::AwaitingApproval))
        .map(|s| s.id)
        .collect();
    for id in &promotions {
        advance(next, *id, StepEvent::Reask)?;
    }
    if !promotions.is_empty() {
        effects.push(Effect::RequestApproval { steps: promotions });
    }
    let stopped_reads: Vec<StepId> = next
        .steps
        .iter()
        .filter(|s| s.kind.reads_footprint() && s.state == StepState::Failed)
        .map(|s| s.id)
        .collect();
    for id in stopped_reads {
        advance(next, id, StepEvent::Retry)?;
    }
    Ok(())
}

/// A fresh read asked for by an operator: the additions and skips of
/// [`crate::plan::reconcile`], before the first write.
pub(crate) fn replan(
    case: &Case,
    next: &mut Case,
    added: Vec<AddedStep>,
    skipped: Vec<SkippedStep>,
) -> Result<Vec<Effect>, DomainError> {
    before_first_write(case)?;
    if case.can_plan_afresh() {
        return Err(DomainError::IllegalCaseTransition {
            state: case.state,
            event: "re-plan a plan nobody was asked about (it is planned afresh instead)",
        });
    }
    let change = FootprintChange {
        reader: None,
        added,
        skipped,
    };
    change.apply(case, next)
}

/// An operator skips `step`, saying why. The reads (`refresh`, `verify`) are not skipped: a
/// case completes only from a read that found nothing.
pub(crate) fn skip(next: &mut Case, step: StepId, reason: &str) -> Result<(), DomainError> {
    let current = next.step(step).ok_or(DomainError::UnknownStep(step))?;
    if current.kind.reads_footprint() {
        return Err(DomainError::IllegalStepTransition {
            step,
            state: current.state,
            event: "skip a read of the Hub: the case completes only from a read that found nothing",
        });
    }
    advance(next, step, StepEvent::Skip)?;
    if let Some(s) = next.steps.iter_mut().find(|s| s.id == step) {
        s.note = Some(format!("skipped by an operator: {reason}"));
    }
    Ok(())
}

/// Puts the rejected `steps` to the approvers again.
pub(crate) fn reask(next: &mut Case, steps: &[StepId]) -> Result<Effect, DomainError> {
    for id in steps {
        let step = next.step(*id).ok_or(DomainError::UnknownStep(*id))?;
        if step.state != StepState::Rejected {
            return Err(DomainError::IllegalStepTransition {
                step: *id,
                state: step.state,
                event: "ask the approvers again (only a rejected step is)",
            });
        }
        advance(next, *id, StepEvent::Reask)?;
    }
    Ok(Effect::RequestApproval {
        steps: steps.to_vec(),
    })
}
