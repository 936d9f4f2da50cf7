//! Approvers decide step by step: how ballots combine per step across requests and approvers,
//! and what a kept step (rejected on its own while the rest was approved) does to the case.

mod fixture;

use fixture::*;
use leaver_core::approval::{Ballot, CaseApprovals, Decision, Mode, Request};
use leaver_core::ordering::runnable;
use leaver_core::*;
use uuid::Uuid;

const MANAGER: &str = "carol@acme.test";
const WHY: &str = "the hand-over runs until March";

fn keep(steps: &[u128]) -> Event {
    Event::Kept {
        steps: steps.iter().map(|n| step_id(*n)).collect(),
        reason: WHY.into(),
        by: MANAGER.into(),
    }
}

fn approve_except(kept: &[u128]) -> Event {
    Event::Approved {
        steps: plan()
            .iter()
            .filter(|s| s.needs_approval && !kept.iter().any(|k| step_id(*k) == s.id))
            .map(|s| s.id)
            .collect(),
    }
}

/// Runs every runnable step to success until none is left; returns the case and the effects.
fn run_out(mut case: Case) -> (Case, Vec<Effect>) {
    let mut effects = Vec::new();
    while let Some(step) = runnable(&case).first().copied() {
        for event in [
            Event::StepStarted { step },
            Event::StepSucceeded { step, note: None },
        ] {
            let next = apply(&case, event, NOW).expect("legal");
            effects.extend(next.effects);
            case = next.case;
        }
    }
    (case, effects)
}

#[test]
fn a_kept_gated_grant_lets_the_rest_run_and_the_case_completes_with_it_listed() {
    let case = run(opened(), [planned(), keep(&[3]), approve_except(&[3])]);
    assert_eq!(
        case.state,
        CaseState::Scheduled,
        "the case does not wait for it"
    );

    let (done, effects) = run_out(case);

    assert_eq!(done.state, CaseState::Completed);
    let kept = step(&done, 3);
    assert_eq!(kept.state, StepState::Rejected);
    assert_eq!(kept.kept_by.as_deref(), Some(MANAGER));
    assert_eq!(kept.note.as_deref(), Some(WHY));
    assert!(kept.is_kept() && kept.attempts == 0);
    assert!(
        done.steps
            .iter()
            .filter(|s| s.id != step_id(3))
            .all(|s| s.state == StepState::Succeeded),
        "every other step ran, verify last"
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::NotifyOperator { .. })),
        "a kept step needs no operator"
    );
}

#[test]
fn a_kept_successor_promotion_holds_its_orgs_strip_and_removal_and_tells_the_operator() {
    let planned = run(opened(), [planned()]);
    let kept = apply(&planned, keep(&[FIRST]), NOW).expect("keep");
    let next = apply(&kept.case, approve_except(&[FIRST]), NOW).expect("approve");

    let (acme_strip, acme_remove, beta_strip) = (step_id(2), step_id(4), step_id(5));
    let now_runnable = runnable(&next.case);
    assert!(now_runnable.contains(&beta_strip), "{now_runnable:?}");
    assert!(!now_runnable.contains(&acme_strip) && !now_runnable.contains(&acme_remove));
    assert!(
        !now_runnable.contains(&step_id(3)),
        "acme's gated revocation waits behind acme's held strip, as ever"
    );
    assert_eq!(next.case.state, CaseState::NeedsAttention);
    let notice = next
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::NotifyOperator { reason } => Some(reason.clone()),
            _ => None,
        })
        .expect("the operator is told");
    assert!(
        notice.contains("held") && notice.contains(MANAGER) && notice.contains(WHY),
        "{notice}"
    );

    // Everything else runs; the held steps (and verify, after them) wait for the operator.
    let (stuck, _) = run_out(next.case);
    assert_eq!(stuck.state, CaseState::NeedsAttention);
    assert_eq!(step(&stuck, 2).state, StepState::Approved);
    assert_eq!(step(&stuck, 4).state, StepState::Approved);
    assert_eq!(
        step(&stuck, 6).state,
        StepState::Succeeded,
        "beta's removal ran"
    );
}

/// A case awaiting approval of steps 1 (strip) and 2 (remove); a manager request (link 10)
/// about both and a security request under `all` (links 20 and 21) about both.
fn approvals(case: &Case) -> CaseApprovals {
    let id = Uuid::from_u128;
    let steps = vec![step_id(2), step_id(4)];
    let mut manager = Request::open(id(1), case.id, "manager", Mode::Any, steps.clone());
    manager.ask((id(10), MANAGER), false, NOW, NOW + time::Duration::DAY);
    let mut security = Request::open(id(2), case.id, "security", Mode::All, steps);
    security.ask(
        (id(20), "sec@acme.test"),
        false,
        NOW,
        NOW + time::Duration::DAY,
    );
    security.ask(
        (id(21), "ciso@acme.test"),
        false,
        NOW,
        NOW + time::Duration::DAY,
    );
    CaseApprovals {
        requests: vec![manager, security],
    }
}

fn ballot(decision: Decision, kept: &[u128], reason: Option<&str>) -> Ballot {
    Ballot {
        decision,
        kept: kept.iter().map(|n| step_id(*n)).collect(),
        reason: reason.map(str::to_owned),
    }
}

#[test]
fn ballots_combine_per_step_across_approvers_and_requests() {
    let case = run(opened(), [planned()]);
    let mut approvals = approvals(&case);
    let link = Uuid::from_u128;
    let mut current = case.clone();
    let mut decide = |approvals: &mut CaseApprovals, n: u128, b: Ballot| {
        let recorded = approvals
            .decide(&current, link(n), b, NOW)
            .expect("decides");
        for event in &recorded.events {
            current = apply(&current, event.clone(), NOW).expect("legal").case;
        }
        recorded.events
    };

    // One yes of an `all` rule settles nothing.
    assert_eq!(
        decide(&mut approvals, 20, ballot(Decision::Approve, &[], None)),
        []
    );
    // The second security approver keeps the removal: it is rejected at once, naming them.
    let events = decide(
        &mut approvals,
        21,
        ballot(Decision::Approve, &[4], Some(WHY)),
    );
    assert_eq!(
        events,
        [Event::Kept {
            steps: vec![step_id(4)],
            reason: WHY.into(),
            by: "ciso@acme.test".into(),
        }]
    );
    // The manager approves both: only the strip, which every request approved, is approved.
    let events = decide(&mut approvals, 10, ballot(Decision::Approve, &[], None));
    assert_eq!(
        events,
        [Event::Approved {
            steps: vec![step_id(2)]
        }]
    );
    assert_eq!(approvals.approved_steps(), vec![step_id(2)]);
}

#[test]
fn keeping_every_step_of_a_request_is_rejecting_it_and_waits_for_an_operator() {
    let case = run(opened(), [planned()]);
    let mut approvals = approvals(&case);
    let recorded = approvals
        .decide(
            &case,
            Uuid::from_u128(10),
            ballot(Decision::Approve, &[2, 4], Some(WHY)),
            NOW,
        )
        .expect("decides");
    assert_eq!(
        recorded.events,
        [Event::Rejected {
            steps: vec![step_id(2), step_id(4)],
            reason: WHY.into(),
        }]
    );
    let rejected = recorded
        .events
        .into_iter()
        .fold(case, |c, e| apply(&c, e, NOW).expect("legal").case);
    assert_eq!(rejected.state, CaseState::NeedsAttention);
    assert!(step(&rejected, 2).kept_by.is_none());
}
