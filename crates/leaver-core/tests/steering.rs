//! Steering a case after its ticket: HR's changes, the successor, skips and re-asks.

mod fixture;

use fixture::*;
use leaver_core::*;
use time::Duration;

fn update(case: &Case, patch: TicketPatch) -> Result<Transition, DomainError> {
    let changes = patch.check(case).expect("good patch");
    apply(case, Event::TicketUpdated { changes }, NOW)
}

fn set(value: &str) -> Patch<String> {
    Patch::Set(value.into())
}

#[test]
fn a_new_effective_time_reschedules_the_runnable_steps_earlier_or_later() {
    let mut case = opened();
    case.effective_at = Some(NOW + Duration::days(7));
    let case = run(case, [planned(), approve_all()]);
    for at in [NOW + Duration::seconds(5), NOW + Duration::days(14)] {
        let patch = TicketPatch {
            effective_at: set(&at
                .format(&time::format_description::well_known::Rfc3339)
                .expect("format")),
            ..TicketPatch::default()
        };
        let t = update(&case, patch).expect("legal");
        assert_eq!(t.case.effective_at, Some(at));
        let scheduled: Vec<_> = t
            .effects
            .iter()
            .filter_map(|e| match e {
                Effect::RunStep { not_before, .. } => Some(*not_before),
                _ => None,
            })
            .collect();
        assert_eq!(
            scheduled,
            vec![at, at],
            "both runnable steps, at the new time"
        );
    }
}

#[test]
fn the_ticket_is_settled_once_a_step_began_writing_to_the_hub() {
    let case = case_in(CaseState::Running);
    let patch = TicketPatch {
        reason: set("rehired"),
        ..TicketPatch::default()
    };
    let err = update(&case, patch).expect_err("too late");
    assert_eq!(
        err,
        DomainError::HubWriteStarted {
            kind: StepKind::ReassignLastAdmin,
            target: Target::Org("acme".into())
        }
    );
    assert!(err.to_string().contains("reassign_last_admin on org:acme"));
}

#[test]
fn a_change_computed_from_a_stale_read_is_refused() {
    let case = case_in(CaseState::AwaitingApproval);
    let changes = TicketPatch {
        reason: set("moved"),
        ..TicketPatch::default()
    }
    .check(&case)
    .expect("good");
    let mut changed = case.clone();
    changed.reason = Some("something else".into());
    let err = apply(&changed, Event::TicketUpdated { changes }, NOW).expect_err("stale");
    assert_eq!(err, DomainError::StaleChange { field: "reason" });
}

#[test]
fn a_successor_for_a_blocked_plan_plans_the_case_afresh() {
    let mut case = opened();
    case.successor = None;
    let blocked = Event::Planned {
        steps: plan(),
        blocked_reason: Some("bob is admin and no other person is admin of acme".into()),
    };
    let case = run(case, [blocked]);
    assert_eq!(case.state, CaseState::NeedsAttention);
    let t = update(
        &case,
        TicketPatch {
            successor: set("dave"),
            ..TicketPatch::default()
        },
    )
    .expect("legal");
    assert_eq!(t.case.state, CaseState::Planning);
    assert!(t.case.steps.is_empty() && t.case.blocked_reason.is_none());
    assert_eq!(t.effects, vec![Effect::PlanCase]);
}

#[test]
fn a_new_successor_on_an_approved_plan_asks_again_about_the_promotion_only() {
    let case = case_in(CaseState::Scheduled);
    let t = apply(
        &case,
        Event::SuccessorChosen {
            successor: HubUsername::parse("dave").expect("name"),
        },
        NOW,
    )
    .expect("legal");
    assert_eq!(t.case.state, CaseState::AwaitingApproval);
    assert_eq!(step(&t.case, FIRST).state, StepState::AwaitingApproval);
    assert_eq!(step(&t.case, 2).state, StepState::Approved);
    assert!(t.effects.contains(&Effect::RequestApproval {
        steps: vec![step_id(FIRST)]
    }));
}

#[test]
fn an_operator_skips_a_rejected_step_and_asks_again_about_the_rest() {
    let case = run(
        case_in(CaseState::AwaitingApproval),
        [Event::Rejected {
            steps: vec![step_id(2), step_id(3)],
            reason: "keep the dataset until the hand-over".into(),
        }],
    );
    assert_eq!(case.state, CaseState::NeedsAttention);
    let skipped = apply(
        &case,
        Event::StepSkipped {
            step: step_id(3),
            reason: "kept for the hand-over".into(),
        },
        NOW,
    )
    .expect("legal")
    .case;
    let skip = step(&skipped, 3);
    assert_eq!(skip.state, StepState::Skipped);
    assert_eq!(
        skip.note.as_deref(),
        Some("skipped by an operator: kept for the hand-over")
    );
    let t = apply(
        &skipped,
        Event::Reasked {
            steps: vec![step_id(2)],
        },
        NOW,
    )
    .expect("legal");
    assert_eq!(t.case.state, CaseState::AwaitingApproval);
    assert_eq!(step(&t.case, 2).state, StepState::AwaitingApproval);
    assert!(t.effects.contains(&Effect::RequestApproval {
        steps: vec![step_id(2)]
    }));
    let again = apply(
        &t.case,
        Event::Reasked {
            steps: vec![step_id(2)],
        },
        NOW,
    );
    assert!(again.is_err(), "only a rejected step is asked again");
}

#[test]
fn the_final_read_cannot_be_skipped() {
    let case = case_in(CaseState::Scheduled);
    let err = apply(
        &case,
        Event::StepSkipped {
            step: step_id(8),
            reason: "in a hurry".into(),
        },
        NOW,
    )
    .expect_err("verify stays");
    assert!(err.to_string().contains("read of the Hub"), "{err}");
}

#[test]
fn a_skip_needs_a_reason_that_obeys_the_rules_of_text() {
    let case = case_in(CaseState::Scheduled);
    let err = apply(
        &case,
        Event::StepSkipped {
            step: step_id(2),
            reason: "\u{202e}".into(),
        },
        NOW,
    )
    .expect_err("bidi");
    assert!(matches!(
        err,
        DomainError::InvalidText {
            field: "reason",
            ..
        }
    ));
}
