//! `Step::failing_since`: the first failure of a run of failures starts the clock of the retry
//! budget, later failures keep it, and success, an operator's retry or a skip clear it.
//! `retrying_since` shows it only while the step is still to be tried again.

mod fixture;

use fixture::*;
use leaver_core::{Case, CaseState, Event, StepId, apply};
use time::{Duration, OffsetDateTime};

fn at(case: &Case, event: Event, now: OffsetDateTime) -> Case {
    apply(case, event, now).expect("legal").case
}

fn fail(step: StepId, retry: bool, now: OffsetDateTime) -> (Event, OffsetDateTime) {
    let event = Event::StepFailed {
        step,
        error: "503 Service Unavailable".into(),
        retry_at: retry.then_some(now + Duration::minutes(1)),
    };
    (event, now)
}

#[test]
fn the_first_failure_starts_the_clock_and_later_failures_keep_it() {
    let first = step_id(FIRST);
    let (event, t0) = fail(first, true, NOW);
    let case = at(&case_in(CaseState::Running), event, t0);
    assert_eq!(step(&case, FIRST).failing_since, Some(NOW));
    assert_eq!(step(&case, FIRST).retrying_since(), Some(NOW));

    let later = NOW + Duration::hours(3);
    let case = at(&case, Event::StepStarted { step: first }, later);
    assert_eq!(
        step(&case, FIRST).retrying_since(),
        Some(NOW),
        "running again"
    );
    let (event, t1) = fail(first, true, later);
    let case = at(&case, event, t1);
    assert_eq!(step(&case, FIRST).failing_since, Some(NOW), "kept");

    let case = at(&case, Event::StepStarted { step: first }, later);
    let case = at(
        &case,
        Event::StepSucceeded {
            step: first,
            note: None,
        },
        later,
    );
    assert_eq!(step(&case, FIRST).failing_since, None, "cleared by success");
    assert_eq!(step(&case, FIRST).retrying_since(), None);
}

#[test]
fn a_step_failed_for_good_is_not_retrying_and_an_operator_retry_clears_the_clock() {
    let first = step_id(FIRST);
    let (event, t0) = fail(first, false, NOW);
    let case = at(&case_in(CaseState::Running), event, t0);
    assert_eq!(case.state, CaseState::NeedsAttention);
    assert_eq!(step(&case, FIRST).failing_since, Some(NOW));
    assert_eq!(step(&case, FIRST).retrying_since(), None, "failed for good");

    let case = at(&case, Event::RetryRequested { step: first }, NOW);
    assert_eq!(step(&case, FIRST).failing_since, None, "a new budget");
}

#[test]
fn a_skip_clears_the_clock() {
    let first = step_id(FIRST);
    let (event, t0) = fail(first, true, NOW);
    let case = at(&case_in(CaseState::Running), event, t0);
    let case = at(
        &case,
        Event::Cancelled {
            reason: "rehired".into(),
        },
        NOW,
    );
    assert_eq!(step(&case, FIRST).failing_since, None);
    assert_eq!(step(&case, FIRST).retrying_since(), None);
}
