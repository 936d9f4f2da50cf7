//! What [`Event::FootprintChanged`](crate::Event::FootprintChanged) (and an operator's
//! [`Event::Replanned`](crate::Event::Replanned)) does to a case: a fresh read of the leaver's
//! footprint (by the case's `refresh` or `verify` step, or asked for by an operator) adds steps
//! for access that appeared and skips steps whose access is gone, as
//! [`crate::plan::reconcile`] decided.
//!
//! - An added step that needs no new approval is approved at once (it runs under the approval
//!   already given, once its predecessors are done); one that does is put to the approvers.
//! - A skipped step keeps the reason as its note.
//! - The reading step, if a step read, ends: `refresh` succeeds; `verify` is approved again, so it reads once
//!   more after the added steps, and the case completes only from a read that found nothing.
//! - On a case cancelled while the read ran, nothing is added or skipped: the reading step
//!   fails, naming what it found, since nobody is to act on it any more.

use crate::step::StepEvent;
use crate::transition::advance;
use crate::{
    AddedStep, Case, CaseState, DomainError, Effect, SkippedStep, Step, StepId, StepKind, StepState,
};

/// The change, as the event carries it.
pub(crate) struct FootprintChange {
    /// The step that read, if a step did (an operator's re-plan is read by no step).
    pub reader: Option<StepId>,
    pub added: Vec<AddedStep>,
    pub skipped: Vec<SkippedStep>,
}

impl FootprintChange {
    /// Applies the change to `next` (a copy of `case`); returns the effects beyond those every
    /// transition derives (approval requests for the additions that need one).
    pub fn apply(self, case: &Case, next: &mut Case) -> Result<Vec<Effect>, DomainError> {
        let Some(reader_id) = self.reader else {
            return self.change(next);
        };
        let reader = case
            .step(reader_id)
            .ok_or(DomainError::UnknownStep(reader_id))?;
        if !reader.kind.reads_footprint() || reader.state != StepState::Running {
            return Err(DomainError::IllegalStepTransition {
                step: reader.id,
                state: reader.state,
                event: "record a fresh read of the footprint",
            });
        }
        if case.state == CaseState::Cancelled {
            let error = format!(
                "the case was cancelled while this step read the Hub; found, and left alone: {}",
                self.reasons()
            );
            advance(
                next,
                reader_id,
                StepEvent::Fail {
                    error,
                    retry_at: None,
                },
            )?;
            return Ok(Vec::new());
        }
        let summary = format!(
            "a fresh read added {} step(s) and skipped {}",
            self.added.len(),
            self.skipped.len()
        );
        let effects = self.change(next)?;
        let ending = match reader.kind {
            StepKind::Verify => StepEvent::Rearm,
            _ => StepEvent::Succeed {
                note: Some(summary),
            },
        };
        advance(next, reader_id, ending)?;
        Ok(effects)
    }

    /// Skips and adds the steps; returns the approval request for the additions that need one.
    fn change(self, next: &mut Case) -> Result<Vec<Effect>, DomainError> {
        for skip in self.skipped {
            advance(next, skip.step, StepEvent::Skip)?;
            set_note(next, skip.step, skip.reason);
        }
        let mut asked = Vec::new();
        for addition in self.added {
            let new = addition.step;
            if next.step(new.id).is_some() {
                return Err(DomainError::IllegalStepTransition {
                    step: new.id,
                    state: StepState::Planned,
                    event: "be added twice",
                });
            }
            let mut step = Step::planned(new.id, new.kind, new.target, new.strategy);
            step.note = Some(addition.reason);
            step.state = if new.needs_approval {
                asked.push(new.id);
                StepState::AwaitingApproval
            } else {
                StepState::Approved
            };
            next.steps.push(step);
        }
        Ok(if asked.is_empty() {
            Vec::new()
        } else {
            vec![Effect::RequestApproval { steps: asked }]
        })
    }

    fn reasons(&self) -> String {
        let added = self.added.iter().map(|a| a.reason.as_str());
        let skipped = self.skipped.iter().map(|s| s.reason.as_str());
        added.chain(skipped).collect::<Vec<_>>().join("; ")
    }
}

fn set_note(case: &mut Case, id: StepId, note: String) {
    if let Some(step) = case.steps.iter_mut().find(|s| s.id == id) {
        step.note = Some(note);
    }
}
