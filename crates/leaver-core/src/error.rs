//! Errors of the domain: an illegal transition is an error value, never a panic.

use crate::{CaseState, StepId, StepKind, StepState, Target};

/// What went wrong when an event was applied to a case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The step cannot take this event in its current state.
    #[error("step {step} is {state}: it cannot {}", doing(event))]
    IllegalStepTransition {
        step: StepId,
        state: StepState,
        event: &'static str,
    },
    /// The case cannot take this event in its current state.
    #[error("case is {state}: it cannot {}", doing(event))]
    IllegalCaseTransition {
        state: CaseState,
        event: &'static str,
    },
    /// The event names a step the case does not have.
    #[error("case has no step {0}")]
    UnknownStep(StepId),
    /// The step exists but its predecessors have not finished, so it may not start yet.
    #[error("step {0} is not runnable yet: an earlier step has not succeeded")]
    NotRunnable(StepId),
    /// Text a person typed into the event breaks the rules of free text.
    #[error("{field}: {message}")]
    InvalidText {
        field: &'static str,
        message: String,
    },
    /// The case has begun writing to the Hub: its ticket and plan are settled.
    #[error(
        "the case began writing to the Hub ({kind} on {target}): its ticket and plan can no longer change; skip steps or cancel the case instead"
    )]
    HubWriteStarted { kind: StepKind, target: Target },
    /// A change was computed from a read of the case that is out of date.
    #[error("{field} changed meanwhile: read the case again")]
    StaleChange { field: &'static str },
}

/// What an event asks of a case or a step, for "cannot ...": `cancelled` reads "be cancelled",
/// not "cannot cancelled".
fn doing(event: &str) -> String {
    let phrase = match event {
        "cancelled" => "be cancelled",
        "run_now" => "run now",
        "approved" => "be approved",
        "rejected" => "be rejected",
        "planned" => "be planned",
        "replanned" => "be planned again",
        "reasked" => "ask its approvers again",
        "retry_requested" => "be retried",
        "manual_done" => "be marked done",
        "step_started" => "start",
        "step_succeeded" => "succeed",
        "step_failed" => "fail",
        "step_skipped" => "be skipped",
        "step_waiting_manual" => "wait for a person",
        "ticket_updated" => "change its ticket",
        "successor_chosen" => "take a successor",
        "footprint_changed" => "take a new read of the Hub",
        "nothing_held_confirmed" => "be confirmed as holding nothing",
        "tokens_acknowledged" => "take a tokens acknowledgement",
        other => return format!("take {}", other.replace('_', " ")),
    };
    phrase.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_event_reads_as_a_sentence() {
        let error = DomainError::IllegalCaseTransition {
            state: CaseState::Cancelled,
            event: "cancelled",
        };
        assert_eq!(
            error.to_string(),
            "case is cancelled: it cannot be cancelled"
        );
    }
}
