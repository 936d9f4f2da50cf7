//! The aggregate's rules, table by table.

use super::*;
use crate::approval::{Link, Mode};
use crate::{CaseId, CaseState, NewStep, StepKind, Strategy, Target, Ticket, TicketInput, apply};
use Decision::{Approve, Reject};

const NOW: OffsetDateTime = OffsetDateTime::UNIX_EPOCH;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// A case with two steps awaiting approval (`a` strips access, `b` removes the member).
fn case() -> (Case, StepId, StepId) {
    let ticket = Ticket::parse(&TicketInput {
        external_id: Some("HR-1".into()),
        email: Some("bob@acme.test".into()),
        hub_username: Some("bob".into()),
        manager_email: Some("erin@acme.test".into()),
        ..TicketInput::default()
    })
    .expect("ticket");
    let step = |n, kind| NewStep {
        id: StepId(id(n)),
        kind,
        target: Target::Org("acme-ai".into()),
        strategy: Strategy::Api,
        needs_approval: true,
    };
    let planned = crate::Event::Planned {
        steps: vec![
            step(1, StepKind::StripAccess),
            step(2, StepKind::RemoveMember),
        ],
        blocked_reason: None,
    };
    let case = Case::open(CaseId(id(0)), &ticket, NOW);
    let case = apply(&case, planned, NOW).expect("planned").case;
    (case, StepId(id(1)), StepId(id(2)))
}

/// The manager (link 10) approves both steps, either of two security people (links 20 and
/// 21) the removal.
fn approvals(a: StepId, b: StepId) -> CaseApprovals {
    let request = |n, rule: &str, steps, links: &[u128]| Request {
        id: id(n),
        case: CaseId(id(0)),
        rule: rule.into(),
        mode: Mode::Any,
        steps,
        withdrawn: Vec::new(),
        state: RequestState::Open,
        links: links
            .iter()
            .map(|l| Link::new(id(*l), "x@acme.test", false, NOW, NOW + time::Duration::DAY))
            .collect(),
    };
    CaseApprovals {
        requests: vec![
            request(1, "manager", vec![a, b], &[10]),
            request(2, "security", vec![b], &[20, 21]),
        ],
    }
}

#[test]
fn decisions_settle_requests_and_release_only_steps_every_covering_request_approved() {
    let (case, a, b) = case();
    let no = |why: &str| (Reject, Some(why.to_owned()));
    type Vote = (u128, (Decision, Option<String>));
    type Expected = Result<(Option<RequestState>, Option<Event>), Refusal>;
    let cases: Vec<(&str, Vec<Vote>, Expected)> = vec![
        (
            "the manager alone: the removal still waits for security",
            vec![(10, (Approve, None))],
            Ok((
                Some(RequestState::Approved),
                Some(Event::Approved { steps: vec![a] }),
            )),
        ),
        (
            "security, then the manager: both steps",
            vec![(20, (Approve, None)), (10, (Approve, None))],
            Ok((
                Some(RequestState::Approved),
                Some(Event::Approved { steps: vec![a, b] }),
            )),
        ),
        (
            "security alone settles its request and releases nothing yet",
            vec![(21, (Approve, None))],
            Ok((Some(RequestState::Approved), None)),
        ),
        (
            "one no from security rejects the removal with its reason",
            vec![(20, no("not yet"))],
            Ok((
                Some(RequestState::Rejected),
                Some(Event::Rejected {
                    steps: vec![b],
                    reason: "not yet".into(),
                }),
            )),
        ),
        (
            "the second security approver comes too late",
            vec![(20, (Approve, None)), (21, no("no"))],
            Err(Refusal::RequestSettled),
        ),
        (
            "a link decides once",
            vec![(10, (Approve, None)), (10, no("changed my mind"))],
            Err(Refusal::AlreadyDecided),
        ),
        (
            "an unknown link decides nothing",
            vec![(99, (Approve, None))],
            Err(Refusal::UnknownLink),
        ),
    ];
    for (name, decisions, expected) in cases {
        let mut approvals = approvals(a, b);
        let mut current = case.clone();
        let mut last = None;
        for (link, vote) in decisions {
            let result = approvals.decide(&current, id(link), vote, NOW);
            if let Ok(Recorded { events, .. }) = &result {
                for event in events {
                    current = apply(&current, event.clone(), NOW).expect("legal").case;
                }
            }
            last = Some(result.map(|r| (r.settled, r.events.into_iter().next())));
        }
        assert_eq!(last, Some(expected), "{name}");
    }
}

#[test]
fn a_closed_case_takes_no_decision() {
    let (case, a, b) = case();
    let cancelled = apply(
        &case,
        Event::Cancelled {
            reason: "rehired".into(),
        },
        NOW,
    )
    .expect("cancel")
    .case;
    assert_eq!(cancelled.state, CaseState::Cancelled);
    let mut approvals = approvals(a, b);
    let decided = approvals.decide(&cancelled, id(10), (Approve, None), NOW);
    assert_eq!(decided, Err(Refusal::CaseClosed));
    assert_eq!(approvals, self::approvals(a, b), "nothing changed");
}

#[test]
fn a_step_asked_again_is_decided_only_by_the_requests_made_since() {
    let (case, a, b) = case();
    let mut approvals = approvals(a, b);
    approvals.requests[0].state = RequestState::Rejected;
    approvals.requests[1].state = RequestState::Approved;
    assert_eq!(approvals.approved_steps(), Vec::<StepId>::new());
    assert_eq!(approvals.withdraw(&[a, b]), vec![id(1), id(2)]);
    assert_eq!(
        approvals.approved_steps(),
        Vec::<StepId>::new(),
        "withdrawn everywhere: nothing decides them until asked again"
    );
    let mut again = Request::open(id(3), case.id, "manager", Mode::Any, vec![a, b]);
    again.state = RequestState::Approved;
    approvals.requests.push(again);
    assert_eq!(approvals.approved_steps(), vec![a, b]);
}

#[test]
fn a_new_manager_is_handed_the_open_links_and_the_old_ones_say_where_they_went() {
    let (case, a, b) = case();
    let mut approvals = approvals(a, b);
    let handed = approvals.hand_over(
        ("x@acme.test", "nora@acme.test"),
        || id(50),
        NOW,
        NOW + time::Duration::DAY,
    );
    assert_eq!(handed.len(), 3, "every open link of the old address");
    assert!(
        handed
            .iter()
            .all(|(_, _, l)| l.approver == "nora@acme.test")
    );
    let old = approvals.requests[0].link(id(10)).expect("old link");
    assert_eq!(old.moved_to.as_deref(), Some("nora@acme.test"));
    assert_eq!(
        approvals.decide(&case, id(10), (Approve, None), NOW),
        Err(Refusal::Superseded)
    );
}
