//! The fresh reads in the state machine: `refresh` waits until every approver decided and runs
//! before anything else; `footprint_changed` adds and skips steps, ends `refresh`, and sends
//! `verify` back to read again; a case completes only from a clean read.

mod fixture;

use fixture::*;
use leaver_core::*;

const REFRESH: u128 = 100;
const VERIFY: u128 = 8;

/// The fixture's plan with a `refresh` step in front, as the planner makes it.
fn planned_with_refresh() -> Event {
    let mut steps = vec![NewStep {
        id: step_id(REFRESH),
        kind: StepKind::Refresh,
        target: Target::Case,
        strategy: Strategy::Api,
        needs_approval: false,
    }];
    steps.extend(plan());
    Event::Planned {
        steps,
        blocked_reason: None,
    }
}

fn approved() -> Case {
    run(opened(), [planned_with_refresh(), approve_all()])
}

fn added(id: u128, kind: StepKind, target: &str, needs_approval: bool) -> AddedStep {
    AddedStep {
        step: NewStep {
            id: step_id(id),
            kind,
            target: target.parse().expect("target"),
            strategy: Strategy::Api,
            needs_approval,
        },
        reason: format!("{target} appeared after planning"),
    }
}

fn run_steps(case: Case, steps: &[u128]) -> Case {
    steps.iter().fold(case, |case, n| {
        let step = step_id(*n);
        run(
            case,
            [
                Event::StepStarted { step },
                Event::StepSucceeded { step, note: None },
            ],
        )
    })
}

/// Every step succeeded but verify, which is running.
fn verifying() -> Case {
    let case = run_steps(approved(), &[REFRESH, 1, 2, 3, 4, 5, 6, 7]);
    run(
        case,
        [Event::StepStarted {
            step: step_id(VERIFY),
        }],
    )
}

#[test]
fn refresh_asks_nobody_and_is_approved_once_every_approver_decided_then_runs_first() {
    let t = apply(&opened(), planned_with_refresh(), NOW).expect("legal");
    let asked = match &t.effects[..] {
        [Effect::RequestApproval { steps }] => steps.clone(),
        other => panic!("{other:?}"),
    };
    assert!(
        !asked.contains(&step_id(REFRESH)),
        "nobody approves the read"
    );
    assert_eq!(step(&t.case, REFRESH).state, StepState::Planned);
    assert!(ordering::runnable(&t.case).is_empty());

    let mut later = opened();
    let at = NOW + time::Duration::days(14);
    later.effective_at = Some(at);
    let waiting = run(later, [planned_with_refresh()]);
    // The manager approved; the security group has not decided on removing the member yet.
    let partly = Event::Approved {
        steps: (1..=5).map(step_id).chain([step_id(7)]).collect(),
    };
    let t = apply(&waiting, partly, NOW).expect("legal");
    assert_eq!(step(&t.case, REFRESH).state, StepState::Planned);
    assert!(
        t.effects.is_empty(),
        "nothing runs before every approver decided"
    );
    let last = Event::Approved {
        steps: vec![step_id(6)],
    };
    let t = apply(&t.case, last, NOW).expect("legal");
    assert_eq!(step(&t.case, REFRESH).state, StepState::Approved);
    assert_eq!(
        t.effects,
        vec![Effect::RunStep {
            step: step_id(REFRESH),
            not_before: at
        }],
        "only the fresh read may run, at effective_at"
    );

    let no = |n: u128| Event::Rejected {
        steps: vec![step_id(n)],
        reason: "no".into(),
    };
    let t = apply(&waiting, no(1), NOW).expect("legal");
    assert_eq!(
        step(&t.case, REFRESH).state,
        StepState::Planned,
        "others undecided"
    );
    let all_but_one = Event::Approved {
        steps: (2..=7).map(step_id).collect(),
    };
    let t = apply(&t.case, all_but_one, NOW).expect("legal");
    assert_eq!(
        step(&t.case, REFRESH).state,
        StepState::Approved,
        "every approver decided, and some said yes"
    );
    let everything_rejected = Event::Rejected {
        steps: (1..=7).map(step_id).collect(),
        reason: "no".into(),
    };
    let t = apply(&waiting, everything_rejected, NOW).expect("legal");
    assert_eq!(
        step(&t.case, REFRESH).state,
        StepState::Planned,
        "nothing to run"
    );
}

#[test]
fn a_refresh_that_finds_more_adds_steps_under_the_approval_given_and_asks_for_a_new_last_admin() {
    let case = run(
        approved(),
        [Event::StepStarted {
            step: step_id(REFRESH),
        }],
    );
    let change = Event::FootprintChanged {
        step: step_id(REFRESH),
        added: vec![
            added(
                20,
                StepKind::RevokeGatedAccess,
                "dataset:gamma/faces",
                false,
            ),
            added(21, StepKind::ReassignLastAdmin, "org:beta", true),
        ],
        skipped: vec![SkippedStep {
            step: step_id(3),
            reason:
                "bob holds no access to model:acme/llama any more: access gone before execution"
                    .into(),
        }],
    };
    let t = apply(&case, change, NOW).expect("legal");
    assert_eq!(step(&t.case, REFRESH).state, StepState::Succeeded);
    assert_eq!(step(&t.case, 20).state, StepState::Approved);
    assert_eq!(step(&t.case, 21).state, StepState::AwaitingApproval);
    assert_eq!(step(&t.case, 3).state, StepState::Skipped);
    assert!(
        step(&t.case, 3)
            .note
            .as_deref()
            .is_some_and(|n| n.contains("gone before"))
    );
    assert!(
        step(&t.case, 20)
            .note
            .as_deref()
            .is_some_and(|n| n.contains("appeared after planning"))
    );
    assert_eq!(t.case.state, CaseState::AwaitingApproval);
    assert!(t.effects.contains(&Effect::RequestApproval {
        steps: vec![step_id(21)]
    }));
    let runs: Vec<StepId> = t
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunStep { step, .. } => Some(*step),
            _ => None,
        })
        .collect();
    // acme's promotion and the new grant's revocation (gamma has nothing before it) run;
    // beta's strip waits for beta's new promotion, which waits for its approval.
    assert_eq!(runs, vec![step_id(1), step_id(20)]);
    assert!(!ordering::runnable(&t.case).contains(&step_id(5)));
    let t = apply(
        &t.case,
        Event::Approved {
            steps: vec![step_id(21)],
        },
        NOW,
    )
    .expect("legal");
    assert!(ordering::runnable(&t.case).contains(&step_id(21)));
}

#[test]
fn verify_that_finds_access_reads_again_after_the_new_steps_and_completes_only_then() {
    let case = verifying();
    let change = Event::FootprintChanged {
        step: step_id(VERIFY),
        added: vec![added(
            30,
            StepKind::RevokeGatedAccess,
            "model:acme/new",
            false,
        )],
        skipped: vec![],
    };
    let t = apply(&case, change, NOW).expect("legal");
    assert_eq!(step(&t.case, VERIFY).state, StepState::Approved);
    assert_eq!(t.case.state, CaseState::Running);
    assert_eq!(
        t.effects,
        vec![Effect::RunStep {
            step: step_id(30),
            not_before: NOW
        }],
        "verify waits for the new step"
    );
    let t = apply(
        &run(t.case, [Event::StepStarted { step: step_id(30) }]),
        Event::StepSucceeded {
            step: step_id(30),
            note: None,
        },
        NOW,
    )
    .expect("legal");
    assert_eq!(
        t.case.state,
        CaseState::Running,
        "not completed before verify read again"
    );
    assert_eq!(
        t.effects,
        vec![Effect::RunStep {
            step: step_id(VERIFY),
            not_before: NOW
        }]
    );
    let done = run_steps(t.case, &[VERIFY]);
    assert_eq!(done.state, CaseState::Completed);
}

#[test]
fn only_a_running_read_records_a_change_and_a_step_is_added_once() {
    let change = |reader: u128, id: u128| Event::FootprintChanged {
        step: step_id(reader),
        added: vec![added(
            id,
            StepKind::RevokeGatedAccess,
            "model:acme/new",
            false,
        )],
        skipped: vec![],
    };
    let approved = approved();
    assert!(
        apply(&approved, change(REFRESH, 40), NOW).is_err(),
        "refresh not running"
    );
    let verifying = verifying();
    assert!(
        apply(&verifying, change(7, 40), NOW).is_err(),
        "flag_tokens reads nothing"
    );
    assert!(
        apply(&verifying, change(VERIFY, 3), NOW).is_err(),
        "step 3 exists already"
    );
    let done = run_steps(verifying.clone(), &[]);
    let completed = run(
        done,
        [Event::StepSucceeded {
            step: step_id(VERIFY),
            note: None,
        }],
    );
    assert_eq!(completed.state, CaseState::Completed);
    assert!(
        apply(&completed, change(VERIFY, 40), NOW).is_err(),
        "a completed case is closed"
    );
}

#[test]
fn a_read_that_ends_after_a_cancel_adds_nothing_and_names_what_it_found() {
    let case = run(
        verifying(),
        [Event::Cancelled {
            reason: "rehired".into(),
        }],
    );
    let change = Event::FootprintChanged {
        step: step_id(VERIFY),
        added: vec![added(
            50,
            StepKind::RevokeGatedAccess,
            "model:acme/new",
            false,
        )],
        skipped: vec![],
    };
    let t = apply(&case, change, NOW).expect("a late outcome");
    assert_eq!(t.case.state, CaseState::Cancelled);
    assert!(t.case.step(step_id(50)).is_none());
    let verify = step(&t.case, VERIFY);
    assert_eq!(verify.state, StepState::Failed);
    assert!(
        verify
            .error
            .as_deref()
            .is_some_and(|e| e.contains("model:acme/new"))
    );
    assert!(
        t.effects
            .iter()
            .all(|e| !matches!(e, Effect::RunStep { .. }))
    );
}
