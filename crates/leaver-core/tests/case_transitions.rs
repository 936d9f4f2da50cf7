//! Every (case state, event) pair, from a case built in each state through legal events.

mod fixture;

use fixture::*;
use leaver_core::*;

fn events() -> Vec<Event> {
    let first = step_id(FIRST);
    vec![
        planned(),
        Event::Approved { steps: vec![first] },
        Event::Rejected {
            steps: vec![first],
            reason: "not yet".into(),
        },
        Event::SuccessorChosen {
            successor: HubUsername::parse("dave").expect("valid"),
        },
        Event::StepStarted { step: first },
        Event::StepSucceeded {
            step: first,
            note: None,
        },
        Event::StepFailed {
            step: first,
            error: "500".into(),
            retry_at: None,
        },
        Event::StepWaitingManual {
            step: first,
            instructions: "click".into(),
        },
        Event::ManualDone {
            step: first,
            note: "done".into(),
        },
        // Only a running `refresh` or `verify` records a fresh read (see footprint_changes.rs).
        Event::FootprintChanged {
            step: first,
            added: vec![],
            skipped: vec![],
        },
        Event::RetryRequested { step: first },
        Event::TicketUpdated {
            changes: vec![TicketChange::Reason {
                from: None,
                to: Some("moved to a partner".into()),
            }],
        },
        Event::Replanned {
            added: vec![],
            skipped: vec![],
        },
        Event::StepSkipped {
            step: first,
            reason: "kept on purpose".into(),
        },
        Event::Reasked { steps: vec![first] },
        // Legal only on a plan blocked for holding nothing (see honest_planning.rs).
        Event::NothingHeldConfirmed,
        Event::RunNow,
        Event::Cancelled {
            reason: "rehired".into(),
        },
    ]
}

/// The case state each legal pair leads to; every pair not listed must be an error.
const ALLOWED: &[(CaseState, &str, CaseState)] = {
    use CaseState::*;
    &[
        (Planning, "planned", AwaitingApproval),
        (Planning, "successor_chosen", Planning),
        (Planning, "ticket_updated", Planning),
        (Planning, "run_now", Planning),
        (Planning, "cancelled", Cancelled),
        (AwaitingApproval, "approved", AwaitingApproval),
        (AwaitingApproval, "rejected", NeedsAttention),
        (AwaitingApproval, "successor_chosen", AwaitingApproval),
        (AwaitingApproval, "ticket_updated", AwaitingApproval),
        (AwaitingApproval, "replanned", AwaitingApproval),
        (AwaitingApproval, "step_skipped", AwaitingApproval),
        (AwaitingApproval, "run_now", AwaitingApproval),
        (AwaitingApproval, "cancelled", Cancelled),
        (Scheduled, "step_started", Running),
        (Scheduled, "successor_chosen", AwaitingApproval),
        (Scheduled, "ticket_updated", Scheduled),
        (Scheduled, "replanned", Scheduled),
        (Scheduled, "step_skipped", Scheduled),
        (Scheduled, "run_now", Scheduled),
        (Scheduled, "cancelled", Cancelled),
        (Running, "step_succeeded", Running),
        (Running, "step_failed", NeedsAttention),
        (Running, "step_waiting_manual", NeedsAttention),
        (Running, "run_now", Running),
        (Running, "cancelled", Cancelled),
        (NeedsAttention, "retry_requested", Scheduled),
        (NeedsAttention, "step_skipped", Scheduled),
        (NeedsAttention, "run_now", NeedsAttention),
        (NeedsAttention, "cancelled", Cancelled),
    ]
};

#[test]
fn every_case_state_and_event_pair_follows_the_table() {
    for &state in CaseState::ALL {
        let case = case_in(state);
        assert_eq!(case.state, state, "fixture for {state}");
        for event in events() {
            let name = event.name();
            let expected = ALLOWED
                .iter()
                .find(|(from, ev, _)| *from == state && *ev == name)
                .map(|(_, _, to)| *to);
            match (expected, apply(&case, event, NOW)) {
                (Some(to), Ok(t)) => assert_eq!(t.case.state, to, "{state} + {name}"),
                (Some(to), Err(e)) => panic!("{state} + {name} should lead to {to}, got {e}"),
                (None, Ok(t)) => panic!("{state} + {name} should be illegal, got {}", t.case.state),
                (None, Err(_)) => {}
            }
        }
    }
}

#[test]
fn strip_and_remove_wait_for_the_successor_to_be_promoted_in_that_org_only() {
    let case = case_in(CaseState::Scheduled);
    let runnable = ordering::runnable(&case);
    // acme's reassign and beta's strip may start; nothing else of acme's may.
    assert_eq!(runnable, vec![step_id(1), step_id(5)]);
    let strip_acme = apply(&case, Event::StepStarted { step: step_id(2) }, NOW);
    assert_eq!(
        strip_acme.map(|_| ()),
        Err(DomainError::NotRunnable(step_id(2)))
    );
}

#[test]
fn approval_of_the_plan_schedules_the_first_steps_at_effective_at() {
    let mut case = opened();
    let at = NOW + time::Duration::days(3);
    case.effective_at = Some(at);
    let case = run(case, [planned()]);
    let effects = apply(&case, approve_all(), NOW).expect("legal").effects;
    assert_eq!(
        effects,
        vec![
            Effect::RunStep {
                step: step_id(1),
                not_before: at
            },
            Effect::RunStep {
                step: step_id(5),
                not_before: at
            },
        ]
    );
    let now = apply(&run(case, [approve_all()]), Event::RunNow, NOW)
        .expect("legal")
        .effects;
    assert!(
        now.iter()
            .all(|e| matches!(e, Effect::RunStep { not_before, .. } if *not_before == NOW))
    );
}

#[test]
fn planning_asks_approval_for_every_step_but_verify() {
    let t = apply(&opened(), planned(), NOW).expect("legal");
    let asked: Vec<StepId> = plan()
        .iter()
        .filter(|s| s.kind != StepKind::Verify)
        .map(|s| s.id)
        .collect();
    assert_eq!(t.effects, vec![Effect::RequestApproval { steps: asked }]);
    assert_eq!(step(&t.case, 8).state, StepState::Approved);
}

#[test]
fn a_blocked_plan_needs_attention_and_a_successor_replans_it() {
    let blocked = Event::Planned {
        steps: plan(),
        blocked_reason: Some("bob is the last admin of acme".into()),
    };
    let t = apply(&opened(), blocked, NOW).expect("legal");
    assert_eq!(t.case.state, CaseState::NeedsAttention);
    assert!(
        matches!(&t.effects[..], [Effect::NotifyOperator { reason }] if reason.contains("last admin"))
    );
    assert!(
        apply(&t.case, approve_all(), NOW).is_err(),
        "a blocked plan cannot be approved"
    );
    let dave = HubUsername::parse("dave").expect("valid");
    let t = apply(
        &t.case,
        Event::SuccessorChosen {
            successor: dave.clone(),
        },
        NOW,
    )
    .expect("legal");
    assert_eq!(
        (t.case.state, t.case.successor, t.effects),
        (CaseState::Planning, Some(dave), vec![Effect::PlanCase])
    );
}

#[test]
fn a_retryable_failure_schedules_the_retry_and_keeps_the_case_running() {
    let case = case_in(CaseState::Running);
    let at = NOW + time::Duration::seconds(30);
    let failed = Event::StepFailed {
        step: step_id(1),
        error: "503".into(),
        retry_at: Some(at),
    };
    let t = apply(&case, failed, NOW).expect("legal");
    assert_eq!(t.case.state, CaseState::Running);
    assert_eq!(
        t.effects,
        vec![Effect::RunStep {
            step: step_id(1),
            not_before: at
        }]
    );
}

#[test]
fn a_step_running_when_the_case_is_cancelled_still_records_its_outcome() {
    let case = run(
        case_in(CaseState::Running),
        [Event::Cancelled {
            reason: "rehired".into(),
        }],
    );
    assert_eq!(step(&case, 1).state, StepState::Running);
    assert!(
        case.steps
            .iter()
            .filter(|s| s.id != step_id(1))
            .all(|s| s.state == StepState::Skipped)
    );
    let t = apply(
        &case,
        Event::StepSucceeded {
            step: step_id(1),
            note: None,
        },
        NOW,
    )
    .expect("legal");
    assert_eq!(
        (t.case.state, step(&t.case, 1).state),
        (CaseState::Cancelled, StepState::Succeeded)
    );
}

#[test]
fn a_step_running_when_the_case_is_cancelled_that_comes_to_wait_for_a_human_is_skipped() {
    let case = run(
        case_in(CaseState::Running),
        [Event::Cancelled {
            reason: "rehired".into(),
        }],
    );
    let t = apply(
        &case,
        Event::StepWaitingManual {
            step: step_id(1),
            instructions: "click".into(),
        },
        NOW,
    )
    .expect("legal: the step was running");
    assert_eq!(
        (t.case.state, step(&t.case, 1).state),
        (CaseState::Cancelled, StepState::Skipped)
    );
    assert_eq!(t.effects, vec![], "nothing is polled for a cancelled case");
    let again = apply(
        &t.case,
        Event::StepWaitingManual {
            step: step_id(1),
            instructions: "click".into(),
        },
        NOW,
    );
    assert!(again.is_err(), "only a running step's outcome is late");
}

#[test]
fn verify_runs_last_and_the_case_completes_only_when_all_steps_succeeded() {
    let case = case_in(CaseState::Completed);
    assert!(case.steps.iter().all(|s| s.state == StepState::Succeeded));
    let mut almost = case_in(CaseState::Scheduled);
    while let Some(next) = ordering::runnable(&almost).first().copied() {
        if next == step_id(8) {
            break;
        }
        almost = run(
            almost,
            [
                Event::StepStarted { step: next },
                Event::StepSucceeded {
                    step: next,
                    note: None,
                },
            ],
        );
    }
    assert!(
        almost
            .steps
            .iter()
            .filter(|s| s.id != step_id(8))
            .all(|s| s.state == StepState::Succeeded)
    );
    assert_eq!(almost.state, CaseState::Running);
}
