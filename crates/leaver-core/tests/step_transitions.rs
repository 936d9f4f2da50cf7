//! Every (step state, step event) pair: the allowed ones go where the table says, every other
//! pair is an error that leaves the step unchanged.

mod fixture;

use leaver_core::step::StepEvent;
use leaver_core::{Step, StepKind, StepState, Strategy, Target};
use time::macros::datetime;

fn events() -> Vec<StepEvent> {
    vec![
        StepEvent::RequestApproval,
        StepEvent::Approve,
        StepEvent::Reject {
            reason: "not yet".into(),
        },
        StepEvent::Start,
        StepEvent::Succeed { note: None },
        StepEvent::Fail {
            error: "500".into(),
            retry_at: None,
        },
        StepEvent::WaitManual {
            instructions: "click".into(),
        },
        StepEvent::MarkManualDone {
            note: "done".into(),
        },
        StepEvent::Retry,
        StepEvent::Skip,
        StepEvent::Rearm,
        StepEvent::Reask,
    ]
}

/// The allowed moves, written out by hand (from, event name, to).
const ALLOWED: &[(StepState, &str, StepState)] = {
    use StepState::*;
    &[
        (Planned, "request approval", AwaitingApproval),
        (Planned, "approve", Approved),
        (Planned, "reject", Rejected),
        (Planned, "skip", Skipped),
        (AwaitingApproval, "approve", Approved),
        (AwaitingApproval, "reject", Rejected),
        (AwaitingApproval, "skip", Skipped),
        (
            AwaitingApproval,
            "ask the approvers again",
            AwaitingApproval,
        ),
        (Approved, "ask the approvers again", AwaitingApproval),
        (Rejected, "ask the approvers again", AwaitingApproval),
        (Rejected, "skip", Skipped),
        (Approved, "start", Running),
        (Approved, "skip", Skipped),
        (Running, "succeed", Succeeded),
        (Running, "fail", Failed),
        (Running, "wait for a manual action", WaitingManual),
        (Running, "read again", Approved),
        (Failed, "retry", Approved),
        (Failed, "skip", Skipped),
        (WaitingManual, "succeed", Succeeded),
        (WaitingManual, "mark done by hand", WaitingManual),
        (WaitingManual, "skip", Skipped),
    ]
};

fn step_in(state: StepState) -> Step {
    let mut step = Step::planned(
        fixture::step_id(1),
        StepKind::StripAccess,
        Target::Org("acme".into()),
        Strategy::Api,
    );
    step.state = state;
    step
}

#[test]
fn every_step_state_and_event_pair_follows_the_table() {
    for &state in StepState::ALL {
        for event in events() {
            let name = event.name();
            let expected = ALLOWED
                .iter()
                .find(|(from, ev, _)| *from == state && *ev == name)
                .map(|(_, _, to)| *to);
            let result = step_in(state).advance(event).map(|s| s.state);
            match expected {
                Some(to) => assert_eq!(result, Ok(to), "{state} + {name}"),
                None => assert!(
                    result.is_err(),
                    "{state} + {name} should be illegal, got {result:?}"
                ),
            }
        }
    }
}

#[test]
fn a_failed_step_with_a_retry_time_may_start_again_and_counts_the_attempt() {
    let mut step = step_in(StepState::Failed);
    step.attempts = 1;
    step.next_retry_at = Some(datetime!(2026-11-28 12:01 UTC));
    let started = step.advance(StepEvent::Start).expect("retry starts");
    assert_eq!(
        (started.state, started.attempts, started.next_retry_at),
        (StepState::Running, 2, None)
    );
}

#[test]
fn a_rejection_keeps_the_reason_and_a_failure_keeps_the_hub_message() {
    let rejected = step_in(StepState::AwaitingApproval).advance(StepEvent::Reject {
        reason: "keep him".into(),
    });
    assert_eq!(rejected.expect("legal").note.as_deref(), Some("keep him"));
    let failed = step_in(StepState::Running).advance(StepEvent::Fail {
        error: "402 Payment Required".into(),
        retry_at: None,
    });
    assert_eq!(
        failed.expect("legal").error.as_deref(),
        Some("402 Payment Required")
    );
}
