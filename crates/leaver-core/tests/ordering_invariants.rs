//! Property test: whatever events arrive, in whatever order, the ordering invariants hold.

mod fixture;

use fixture::*;
use leaver_core::*;
use proptest::prelude::*;

fn event_for(kind: u8, step: u128, fresh_id: u128) -> Event {
    let step = step_id(step);
    match kind {
        0 => Event::Approved { steps: vec![step] },
        1 => Event::Rejected {
            steps: vec![step],
            reason: "no".into(),
        },
        2..=4 => Event::StepStarted { step },
        5..=6 => Event::StepSucceeded { step, note: None },
        7 => Event::StepFailed {
            step,
            error: "500".into(),
            retry_at: Some(NOW),
        },
        8 => Event::StepFailed {
            step,
            error: "403".into(),
            retry_at: None,
        },
        9 => Event::StepWaitingManual {
            step,
            instructions: "click".into(),
        },
        10 => Event::ManualDone {
            step,
            note: "done".into(),
        },
        11 => Event::RetryRequested { step },
        12 => Event::RunNow,
        13 => verify_finds_more(step, fresh_id),
        _ => Event::Cancelled {
            reason: "stop".into(),
        },
    }
}

/// `verify` found the leaver back in an org: strip and remove there again (one of the two orgs,
/// by the step drawn).
fn verify_finds_more(drawn: StepId, fresh_id: u128) -> Event {
    let org = if drawn.0.as_u128().is_multiple_of(2) {
        "acme"
    } else {
        "beta"
    };
    let again = |n: u128, kind| AddedStep {
        step: NewStep {
            id: step_id(fresh_id + n),
            kind,
            target: Target::Org(org.into()),
            strategy: leaver_core::Strategy::Api,
            needs_approval: false,
        },
        reason: format!("membership of org:{org} came back"),
    };
    Event::FootprintChanged {
        step: step_id(8),
        added: vec![
            again(0, StepKind::StripAccess),
            again(1, StepKind::RemoveMember),
        ],
        skipped: vec![],
    }
}

/// A step may start only once every step that must precede it let it through; verify runs
/// only when everything else is done; a completed case has nothing left.
fn check_invariants(case: &Case, event: &Event) -> Result<(), TestCaseError> {
    if let Event::StepStarted { step } = event {
        let later = case.step(*step).expect("started step");
        for earlier in case
            .steps
            .iter()
            .filter(|e| ordering::must_precede(e, later))
        {
            prop_assert!(
                earlier.state.lets_successors_run(),
                "{} on {} started while {} on {} was {}",
                later.kind,
                later.target,
                earlier.kind,
                earlier.target,
                earlier.state
            );
        }
        if matches!(later.kind, StepKind::StripAccess | StepKind::RemoveMember) {
            let reassign = case
                .steps
                .iter()
                .find(|s| s.kind == StepKind::ReassignLastAdmin && s.target == later.target);
            prop_assert!(reassign.is_none_or(|r| r.state == StepState::Succeeded));
        }
    }
    if case.state == CaseState::Completed {
        prop_assert!(case.steps.iter().all(|s| s.state.lets_successors_run()));
    }
    let verify = case.steps.iter().find(|s| s.kind == StepKind::Verify);
    if verify.is_some_and(|v| v.state == StepState::Running) {
        prop_assert!(
            case.steps
                .iter()
                .filter(|s| s.kind != StepKind::Verify)
                .all(|s| s.state.lets_successors_run())
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn random_event_sequences_never_break_the_ordering_invariants(
        events in proptest::collection::vec((0u8..15, 1u128..=8), 1..80)
    ) {
        let mut case = run(opened(), [planned()]);
        for (n, (kind, step)) in events.into_iter().enumerate() {
            let event = event_for(kind, step, 100 + 2 * n as u128);
            if let Ok(t) = apply(&case, event.clone(), NOW) {
                for effect in &t.effects {
                    if let Effect::RunStep { step, .. } = effect {
                        let s = t.case.step(*step).expect("effect names a step");
                        prop_assert!(s.state == StepState::Failed || ordering::is_runnable(&t.case, s));
                    }
                }
                case = t.case;
                check_invariants(&case, &event)?;
            }
        }
    }
}
