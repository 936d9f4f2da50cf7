//! The state machine: `apply(case, event, now)` returns the next case and the effects to carry
//! out, as data. It does no I/O; the store persists the result and turns effects into jobs in the
//! same transaction.

use crate::footprint_change::FootprintChange;
use crate::ordering::{held_by, predecessors_done, runnable};
use crate::steering;
use crate::step::StepEvent;
use crate::{Case, CaseState, DomainError, Event, Step, StepId, StepState};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Work that follows from a transition, for the engine to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Discover what the leaver holds and plan the steps.
    PlanCase,
    /// Ask the approvers about these steps.
    RequestApproval { steps: Vec<StepId> },
    /// Carry the step out, not before the given time.
    RunStep {
        step: StepId,
        #[serde(with = "time::serde::rfc3339")]
        not_before: OffsetDateTime,
    },
    /// Read the Hub to see whether a manual step has been done.
    PollManualStep { step: StepId },
    /// Tell the operator the case needs them.
    NotifyOperator { reason: String },
}

/// The outcome of one event: the case as it is now, and what must happen next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    pub case: Case,
    pub effects: Vec<Effect>,
}

/// What a person typed into an event (a reason, a note) obeys the rules of all free text
/// ([`crate::input::free_text`]), whichever door it came in by.
fn guard_typed_text(event: &Event) -> Result<(), DomainError> {
    let (field, text) = match event {
        Event::Cancelled { reason }
        | Event::Rejected { reason, .. }
        | Event::Kept { reason, .. }
        | Event::StepSkipped { reason, .. } => ("reason", reason),
        Event::ManualDone { note, .. } => ("note", note),
        _ => return Ok(()),
    };
    crate::input::free_text(text)
        .map(drop)
        .map_err(|message| DomainError::InvalidText { field, message })
}

/// Applies `event` to `case` at time `now`. Illegal events are errors and change nothing.
pub fn apply(case: &Case, event: Event, now: OffsetDateTime) -> Result<Transition, DomainError> {
    guard_typed_text(&event)?;
    guard_closed(case, &event)?;
    let runnable_before = runnable(case);
    let mut next = case.clone();
    let mut effects = Vec::new();
    let mut rerun_all = matches!(event, Event::RunNow);
    // A completed case keeps its completion time (the drift watch counts from it).
    let keeps_time = crate::tokens_ack::keeps_completion_time(case, &event);
    match event {
        Event::Planned {
            steps,
            blocked_reason,
        } => {
            if !case.can_plan_afresh() {
                return Err(illegal(case, "plan"));
            }
            if case.awaits_hub_username() {
                return Err(illegal(case, "plan before the Hub username is known"));
            }
            next.blocked_reason = blocked_reason;
            next.steps = steps
                .into_iter()
                .map(|s| {
                    let mut step = Step::planned(s.id, s.kind, s.target, s.strategy);
                    let approved_now = !s.needs_approval && !s.kind.waits_for_the_approvers();
                    if approved_now && next.blocked_reason.is_none() {
                        step.state = StepState::Approved;
                    }
                    step
                })
                .collect();
            if next.blocked_reason.is_none() {
                put_to_the_approvers(&mut next, &mut effects)?;
            }
        }
        Event::NothingHeldConfirmed => {
            if !crate::nothing_held::awaits_confirmation(case) {
                return Err(illegal(case, "nothing_held_confirmed"));
            }
            crate::nothing_held::confirm(&mut next)?;
            put_to_the_approvers(&mut next, &mut effects)?;
        }
        Event::Approved { steps } => {
            let never_asked = |id: &StepId| {
                case.step(*id)
                    .is_some_and(|s| s.state == StepState::Planned)
            };
            if case.blocked_reason.is_some() && steps.iter().any(never_asked) {
                return Err(illegal(case, "approve a blocked plan"));
            }
            for id in steps {
                advance(&mut next, id, StepEvent::Approve)?;
            }
            approve_reads_once_all_decided(&mut next)?;
        }
        Event::Rejected { steps, reason } => {
            for id in steps {
                advance(
                    &mut next,
                    id,
                    StepEvent::Reject {
                        reason: reason.clone(),
                    },
                )?;
            }
            approve_reads_once_all_decided(&mut next)?;
        }
        Event::Kept { steps, reason, by } => {
            for id in steps {
                let (reason, by) = (reason.clone(), by.clone());
                advance(&mut next, id, StepEvent::Keep { reason, by })?;
            }
            approve_reads_once_all_decided(&mut next)?;
        }
        Event::SuccessorChosen { successor } => {
            steering::choose_successor(case, &mut next, successor, &mut effects)?
        }
        Event::TicketUpdated { changes } => {
            rerun_all = steering::update_ticket(case, &mut next, &changes, &mut effects)?
        }
        Event::Replanned { added, skipped } => {
            effects.extend(steering::replan(case, &mut next, added, skipped)?)
        }
        Event::StepSkipped { step, reason } => {
            steering::skip(&mut next, step, &reason)?;
            approve_reads_once_all_decided(&mut next)?;
        }
        Event::Reasked { steps } => effects.push(steering::reask(&mut next, &steps)?),
        Event::StepStarted { step } => {
            let current = find(case, step)?;
            if !predecessors_done(case, current) {
                return Err(DomainError::NotRunnable(step));
            }
            advance(&mut next, step, StepEvent::Start)?;
        }
        Event::StepSucceeded { step, note } => {
            advance(&mut next, step, StepEvent::Succeed { note })?
        }
        Event::StepFailed {
            step,
            error,
            retry_at,
        } => {
            let retry_at = retry_at.filter(|_| case.state != CaseState::Cancelled);
            advance(&mut next, step, StepEvent::Fail { error, retry_at })?;
            next.steps
                .iter_mut()
                .filter(|s| s.id == step)
                .for_each(|s| s.failed_at(now));
            if let Some(at) = retry_at {
                effects.push(Effect::RunStep {
                    step,
                    not_before: at,
                });
            }
        }
        Event::StepWaitingManual { step, instructions } => {
            advance(&mut next, step, StepEvent::WaitManual { instructions })?;
            if case.state == CaseState::Cancelled {
                // Nobody is to do it by hand any more: skipped, as the cancel skipped the rest.
                advance(&mut next, step, StepEvent::Skip)?;
            } else {
                effects.push(Effect::PollManualStep { step });
            }
        }
        Event::ManualDone { step, note } => {
            advance(&mut next, step, StepEvent::MarkManualDone { note })?;
            effects.push(Effect::PollManualStep { step });
        }
        Event::FootprintChanged {
            step,
            added,
            skipped,
        } => {
            let change = FootprintChange {
                reader: Some(step),
                added,
                skipped,
            };
            effects.extend(change.apply(case, &mut next)?);
        }
        Event::RetryRequested { step } => advance(&mut next, step, StepEvent::Retry)?,
        Event::TokensAcknowledged { by } => {
            effects.extend(crate::tokens_ack::acknowledge(case, &mut next, by, now)?)
        }
        Event::RunNow => next.run_now = true,
        Event::Cancelled { .. } => {
            for step in &mut next.steps {
                if !step.state.is_terminal() && step.state != StepState::Running {
                    *step = step.advance(StepEvent::Skip)?;
                }
            }
            next.state = CaseState::Cancelled;
        }
    }
    next.state = derive_state(&next);
    if !keeps_time {
        next.updated_at = now;
    }
    let not_before = next.not_before(now);
    for id in runnable(&next) {
        if rerun_all || !runnable_before.contains(&id) {
            effects.push(Effect::RunStep {
                step: id,
                not_before,
            });
        }
    }
    if let Some(reason) = operator_notice(case, &next) {
        effects.push(Effect::NotifyOperator { reason });
    }
    Ok(Transition {
        case: next,
        effects,
    })
}

/// The case state that follows from the steps. Stored for listing, never set by hand.
pub fn derive_state(case: &Case) -> CaseState {
    use StepState as S;
    let any = |f: &dyn Fn(&Step) -> bool| case.steps.iter().any(f);
    if case.state == CaseState::Cancelled {
        CaseState::Cancelled
    } else if case.blocked_reason.is_some()
        || any(&needs_human)
        || any(&|s| held_by(case, s).is_some())
    {
        CaseState::NeedsAttention
    } else if case.steps.is_empty() {
        CaseState::Planning
    } else if case
        .steps
        .iter()
        .all(|s| s.state.lets_successors_run() || s.is_kept())
    {
        // Completed with the access approvers chose to keep: verify read everything else gone,
        // and the kept steps stay on the case (and in its evidence) as approved exceptions.
        CaseState::Completed
    } else if any(&|s| matches!(s.state, S::Planned | S::AwaitingApproval)) {
        CaseState::AwaitingApproval
    } else if any(&|s| !matches!(s.state, S::Approved | S::Skipped) && !s.is_kept()) {
        CaseState::Running
    } else {
        CaseState::Scheduled
    }
}

fn needs_human(step: &Step) -> bool {
    match step.state {
        StepState::Rejected => step.kept_by.is_none(),
        StepState::WaitingManual => true,
        StepState::Failed => step.next_retry_at.is_none(),
        _ => false,
    }
}

/// What the operators are told once `before` became `after`, if anything: that the case entered
/// `needs_attention`, or, needing attention already, that one more step failed for good or was
/// rejected.
fn operator_notice(before: &Case, after: &Case) -> Option<String> {
    if after.state != CaseState::NeedsAttention {
        return None;
    }
    if before.state != CaseState::NeedsAttention {
        return Some(attention_reason(after));
    }
    let gave_up = |case: &Case, s: &Step| {
        (s.state == StepState::Rejected && s.kept_by.is_none())
            || (s.state == StepState::Failed && s.next_retry_at.is_none())
            || held_by(case, s).is_some()
    };
    after
        .steps
        .iter()
        .find(|s| gave_up(after, s) && before.step(s.id).is_none_or(|b| !gave_up(before, b)))
        .map(|s| describe_attention(after, s))
}

/// Why a step needs a human, with the approver's reason for a rejection, or the kept step that
/// holds it back.
fn describe_attention(case: &Case, step: &Step) -> String {
    if let Some(kept) = held_by(case, step) {
        return format!(
            "step {} on {} is held: it needs {} on {} first, which {} chose to keep ({:?}); \
             skip the held step, or ask the approvers again",
            step.kind,
            step.target,
            kept.kind,
            kept.target,
            kept.kept_by.as_deref().unwrap_or("an approver"),
            kept.note.as_deref().unwrap_or_default()
        );
    }
    let base = format!("step {} on {} is {}", step.kind, step.target, step.state);
    match (&step.state, &step.note) {
        (StepState::Rejected, Some(reason)) => format!("{base}: {reason:?}"),
        _ => base,
    }
}

fn attention_reason(case: &Case) -> String {
    if let Some(reason) = &case.blocked_reason {
        return reason.clone();
    }
    let attention = |s: &&Step| needs_human(s) || held_by(case, s).is_some();
    match case.steps.iter().find(attention) {
        Some(step) => describe_attention(case, step),
        None => "the case needs an operator".into(),
    }
}

/// Closed cases take no events, except the outcome of a step that was already running when the
/// case was cancelled: a change that happened on the Hub must be recorded, and a step left
/// waiting for a human is skipped rather than left running.
fn guard_closed(case: &Case, event: &Event) -> Result<(), DomainError> {
    let late_outcome = matches!(
        event,
        Event::StepSucceeded { .. }
            | Event::StepFailed { .. }
            | Event::StepWaitingManual { .. }
            | Event::FootprintChanged { .. }
    );
    match case.state {
        CaseState::Cancelled if late_outcome => Ok(()),
        CaseState::Completed if matches!(event, Event::TokensAcknowledged { .. }) => Ok(()),
        state if state.is_closed() => Err(illegal(case, event.name())),
        _ => Ok(()),
    }
}

fn find(case: &Case, id: StepId) -> Result<&Step, DomainError> {
    case.step(id).ok_or(DomainError::UnknownStep(id))
}

/// The steps that wait for the approvers (`refresh`) are approved once every step put to them
/// is decided and one at least was approved: the case then starts executing.
fn approve_reads_once_all_decided(case: &mut Case) -> Result<(), DomainError> {
    let waits = |s: &Step| s.kind.waits_for_the_approvers();
    let asked = |s: &&Step| !waits(s) && !s.kind.reads_footprint();
    let undecided = case
        .steps
        .iter()
        .filter(asked)
        .any(|s| matches!(s.state, StepState::Planned | StepState::AwaitingApproval));
    let approved = case
        .steps
        .iter()
        .filter(asked)
        .any(|s| s.state == StepState::Approved);
    if undecided || !approved {
        return Ok(());
    }
    let waiting: Vec<StepId> = case
        .steps
        .iter()
        .filter(|s| waits(s) && s.state == StepState::Planned)
        .map(|s| s.id)
        .collect();
    for id in waiting {
        advance(case, id, StepEvent::Approve)?;
    }
    Ok(())
}

pub(crate) fn advance(case: &mut Case, id: StepId, event: StepEvent) -> Result<(), DomainError> {
    let step = case
        .steps
        .iter_mut()
        .find(|s| s.id == id)
        .ok_or(DomainError::UnknownStep(id))?;
    *step = step.advance(event)?;
    Ok(())
}

/// Asks the approvers about every planned step of an unblocked plan (`refresh` waits for their
/// decisions instead).
fn put_to_the_approvers(next: &mut Case, effects: &mut Vec<Effect>) -> Result<(), DomainError> {
    let asked: Vec<StepId> = next
        .steps
        .iter()
        .filter(|s| s.state == StepState::Planned && !s.kind.waits_for_the_approvers())
        .map(|s| s.id)
        .collect();
    for id in &asked {
        advance(next, *id, StepEvent::RequestApproval)?;
    }
    if !asked.is_empty() {
        effects.push(Effect::RequestApproval { steps: asked });
    }
    Ok(())
}

fn illegal(case: &Case, event: &'static str) -> DomainError {
    DomainError::IllegalCaseTransition {
        state: case.state,
        event,
    }
}
