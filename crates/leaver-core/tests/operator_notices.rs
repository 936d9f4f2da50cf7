//! When the operators are told: a case entering `needs_attention`, and while it needs attention
//! every further step that fails for good or is rejected; never a retryable failure or a case
//! that is fine.

mod fixture;

use fixture::*;
use leaver_core::*;

/// The strip step on `beta`, which runs alongside the first step (on `acme`).
const BETA_STRIP: u128 = 5;

fn failed(n: u128, retry: bool) -> Event {
    Event::StepFailed {
        step: step_id(n),
        error: "403 Forbidden".into(),
        retry_at: retry.then_some(NOW + time::Duration::minutes(5)),
    }
}

/// The reasons the operators are given for `event` on `case`.
fn notices(case: &Case, event: Event) -> Vec<String> {
    let t = apply(case, event, NOW).expect("legal");
    t.effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::NotifyOperator { reason } => Some(reason),
            _ => None,
        })
        .collect()
}

#[test]
fn operators_hear_of_a_case_needing_attention_and_of_each_step_given_up_since() {
    let both_running = run(
        case_in(CaseState::Scheduled),
        [
            Event::StepStarted {
                step: step_id(FIRST),
            },
            Event::StepStarted {
                step: step_id(BETA_STRIP),
            },
        ],
    );
    let one_failed = run(both_running.clone(), [failed(FIRST, false)]);
    let reject_first = Event::Rejected {
        steps: vec![step_id(FIRST)],
        reason: "not yet".into(),
    };
    let cases: Vec<(&str, Case, Event, &[&str])> = vec![
        (
            "a step fails for good",
            both_running.clone(),
            failed(FIRST, false),
            &["step reassign_last_admin on org:acme is failed"],
        ),
        (
            "an approver says no",
            case_in(CaseState::AwaitingApproval),
            reject_first,
            &["step reassign_last_admin on org:acme is rejected: \"not yet\""],
        ),
        (
            "another step fails for good while the case needs attention",
            one_failed.clone(),
            failed(BETA_STRIP, false),
            &["step strip_access on org:beta is failed"],
        ),
        (
            "a retryable failure while the case needs attention",
            one_failed.clone(),
            failed(BETA_STRIP, true),
            &[],
        ),
        (
            "a retryable failure of a running case",
            both_running,
            failed(FIRST, true),
            &[],
        ),
        (
            "an approval",
            case_in(CaseState::AwaitingApproval),
            approve_all(),
            &[],
        ),
    ];
    for (name, case, event, expected) in cases {
        assert_eq!(notices(&case, event), expected, "{name}");
    }
}
