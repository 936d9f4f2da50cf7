//! `plan::reconcile`: a case's steps against a fresh read of the leaver's footprint, as a table
//! (the rows are in `reconcile_table`).

mod facts;
mod reconcile_table;

use AccessStatus::{Accepted, Pending};
use facts::user;
use leaver_core::plan::{AccessStatus, MAX_TAKEN_AWAY, PlanContext, reconcile};
use leaver_core::*;
use reconcile_table::*;
fn case_with(steps: Steps, successor: Option<&str>) -> Case {
    let ticket = Ticket::parse(&TicketInput {
        external_id: Some("HR-1".into()),
        email: Some("bob@acme.test".into()),
        hub_username: Some("bob".into()),
        manager_email: Some("erin@acme.test".into()),
        successor: successor.map(Into::into),
        ..TicketInput::default()
    })
    .expect("ticket");
    let mut case = Case::open(CaseId::random(), &ticket, time::OffsetDateTime::UNIX_EPOCH);
    case.steps = steps
        .iter()
        .map(|(kind, target, state)| Step {
            state: *state,
            ..Step::planned(
                StepId::random(),
                *kind,
                target.parse().expect("target"),
                Strategy::Api,
            )
        })
        .collect();
    case
}

fn named(case: &Case, id: StepId) -> String {
    let step = case.step(id).expect("a step of the case");
    format!("{} {}", step.kind, step.target)
}

#[test]
fn a_fresh_read_adds_and_skips_steps_by_the_rule() {
    for row in ROWS {
        let case = case_with(row.steps, row.successor);
        let leaver = user("bob");
        let successor = row.successor.map(user);
        let ctx = PlanContext {
            leaver: &leaver,
            successor: successor.as_ref(),
            service_accounts: &[],
            revoke_to: AccessStatus::Rejected,
            no_account: false,
            leaving: &[],
        };
        let found = reconcile(&case, &ctx, &fresh(row.bob), StepId::random);
        let name = row.name;

        let added: Vec<(String, bool)> = found
            .added
            .iter()
            .map(|a| {
                (
                    format!("{} {}", a.step.kind, a.step.target),
                    a.step.needs_approval,
                )
            })
            .collect();
        let expected: Vec<(String, bool)> = row
            .added
            .iter()
            .map(|(s, approval, _)| (s.to_string(), *approval))
            .collect();
        assert_eq!(added, expected, "{name}: added");
        for (addition, (_, _, words)) in found.added.iter().zip(row.added) {
            assert!(
                addition.reason.contains(words),
                "{name}: {:?} lacks {words:?}",
                addition.reason
            );
        }
        let skipped: Vec<String> = found.skipped.iter().map(|s| named(&case, s.step)).collect();
        let expected: Vec<&str> = row.skipped.iter().map(|(s, _)| *s).collect();
        assert_eq!(skipped, expected, "{name}: skipped");
        for (skip, (_, words)) in found.skipped.iter().zip(row.skipped) {
            assert!(
                skip.reason.contains(words),
                "{name}: {:?} lacks {words:?}",
                skip.reason
            );
        }
        match row.blocked {
            Some(words) => assert!(
                found.blockers.iter().any(|b| b.contains(words)),
                "{name}: {:?}",
                found.blockers
            ),
            None => assert!(found.blockers.is_empty(), "{name}: {:?}", found.blockers),
        }
        assert_eq!(
            found.needing_approval().count(),
            row.added
                .iter()
                .filter(|(_, approval, _)| *approval)
                .count(),
            "{name}"
        );
        assert_eq!(
            found.is_clean(),
            row.added.is_empty() && row.skipped.is_empty() && row.blocked.is_none()
        );
    }
    assert_eq!(MAX_TAKEN_AWAY, 3, "the table's last rows count on it");
}

#[test]
fn a_pending_request_is_nothing_to_take_away_when_requests_are_set_to_pending() {
    let case = case_with(DONE, Some("carol"));
    let leaver = user("bob");
    let ctx = PlanContext {
        leaver: &leaver,
        successor: None,
        service_accounts: &[],
        revoke_to: Pending,
        no_account: false,
        leaving: &[],
    };
    let pending = fresh(Bob {
        acme: None,
        llama: Some(Pending),
        ..AS_PLANNED
    });
    assert!(reconcile(&case, &ctx, &pending, StepId::random).is_clean());
    let accepted = fresh(Bob {
        acme: None,
        ..AS_PLANNED
    });
    assert_eq!(
        reconcile(&case, &ctx, &accepted, StepId::random)
            .added
            .len(),
        1
    );
}

#[test]
fn the_event_carries_the_additions_and_skips_and_no_change_is_no_event() {
    let case = case_with(PLANNED, Some("carol"));
    let reader = case.steps[0].id;
    let leaver = user("bob");
    let ctx = PlanContext {
        leaver: &leaver,
        successor: None,
        service_accounts: &[],
        revoke_to: AccessStatus::Rejected,
        no_account: false,
        leaving: &[],
    };
    let clean = reconcile(&case, &ctx, &fresh(AS_PLANNED), StepId::random);
    assert_eq!(clean.into_event(reader), None);
    let changed = reconcile(
        &case,
        &ctx,
        &fresh(Bob {
            faces: Some(Accepted),
            ..GONE
        }),
        StepId::random,
    );
    match changed.into_event(reader) {
        Some(Event::FootprintChanged {
            step,
            added,
            skipped,
        }) => {
            assert_eq!(step, reader);
            assert_eq!((added.len(), skipped.len()), (1, 3));
        }
        other => panic!("expected a footprint change, got {other:?}"),
    }
}
