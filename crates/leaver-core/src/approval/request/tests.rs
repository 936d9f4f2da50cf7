//! The request's rules, table by table.

use super::*;

const NOW: OffsetDateTime = OffsetDateTime::UNIX_EPOCH;
const HOUR: time::Duration = time::Duration::hours(1);

fn link(n: u128, escalation: bool) -> Link {
    Link::new(
        Uuid::from_u128(n),
        "a@acme.test",
        escalation,
        NOW,
        NOW + HOUR,
    )
}

/// A request under `mode` whose links (regular ones, then `escalations` escalation ones)
/// hold `votes`.
fn request(mode: Mode, votes: &[Option<Decision>], escalations: usize) -> Request {
    let regular = votes.len() - escalations;
    let links = votes
        .iter()
        .enumerate()
        .map(|(n, vote)| Link {
            decision: *vote,
            decided_at: vote.map(|_| NOW),
            ..link(n as u128, n >= regular)
        })
        .collect();
    Request {
        id: Uuid::from_u128(99),
        case: CaseId(Uuid::from_u128(98)),
        rule: "manager".into(),
        mode,
        steps: vec![StepId(Uuid::from_u128(1))],
        withdrawn: Vec::new(),
        state: RequestState::Open,
        links,
    }
}

#[test]
fn votes_settle_a_request_by_its_mode() {
    use Decision::{Approve as Y, Reject as N};
    type Votes<'a> = &'a [Option<Decision>];
    let cases: &[(Mode, Votes, usize, Option<Decision>)] = &[
        (Mode::Any, &[None], 0, None),
        (Mode::Any, &[Some(Y), None], 0, Some(Y)),
        (Mode::All, &[Some(Y), None], 0, None),
        (Mode::All, &[Some(Y), Some(Y)], 0, Some(Y)),
        (Mode::Any, &[Some(N), Some(Y)], 0, Some(N)),
        (Mode::All, &[Some(Y), Some(N)], 0, Some(N)),
        // An escalation target's yes settles the rule on its own, whatever the mode.
        (Mode::All, &[None, None, Some(Y)], 1, Some(Y)),
        (Mode::Any, &[None, Some(N)], 1, Some(N)),
        // Nobody asked but the escalation target: `all` of nobody is not a yes.
        (Mode::All, &[None], 1, None),
    ];
    for (mode, votes, escalations, expected) in cases {
        let request = request(*mode, votes, *escalations);
        assert_eq!(
            request.outcome(),
            *expected,
            "{mode:?} {votes:?} ({escalations} escalated)"
        );
    }
}

#[test]
fn a_replaced_link_does_not_vote() {
    let mut request = request(Mode::All, &[None, Some(Decision::Approve)], 0);
    assert_eq!(request.outcome(), None);
    request.links[0].superseded_at = Some(NOW);
    assert_eq!(request.outcome(), Some(Decision::Approve));
}

#[test]
fn a_link_decides_only_while_everything_around_it_is_open() {
    type Setup = fn(&mut Request);
    let cases: &[(&str, Setup, CaseState, OffsetDateTime, Option<Refusal>)] = &[
        ("open", |_| {}, CaseState::AwaitingApproval, NOW, None),
        (
            "used",
            |r| r.links[0].decision = Some(Decision::Approve),
            CaseState::Completed,
            NOW + 2 * HOUR,
            Some(Refusal::AlreadyDecided),
        ),
        (
            "replaced",
            |r| r.links[0].superseded_at = Some(NOW),
            CaseState::Cancelled,
            NOW,
            Some(Refusal::Superseded),
        ),
        (
            "case closed",
            |r| r.state = RequestState::Approved,
            CaseState::Cancelled,
            NOW + 2 * HOUR,
            Some(Refusal::CaseClosed),
        ),
        (
            "settled",
            |r| r.state = RequestState::Rejected,
            CaseState::NeedsAttention,
            NOW + 2 * HOUR,
            Some(Refusal::RequestSettled),
        ),
        (
            "expired",
            |_| {},
            CaseState::AwaitingApproval,
            NOW + HOUR,
            Some(Refusal::Expired),
        ),
    ];
    for (name, setup, case_state, at, expected) in cases {
        let mut request = request(Mode::Any, &[None], 0);
        setup(&mut request);
        let id = request.links[0].id;
        assert_eq!(request.refusal(id, *case_state, *at), *expected, "{name}");
    }
    let request = request(Mode::Any, &[None], 0);
    assert_eq!(
        request.refusal(Uuid::from_u128(7), CaseState::AwaitingApproval, NOW),
        Some(Refusal::UnknownLink)
    );
}

#[test]
fn only_an_expired_link_is_renewed_and_its_replacement_takes_its_place() {
    let mut request = request(Mode::Any, &[None], 0);
    let (old, fresh) = (request.links[0].id, Uuid::from_u128(50));
    let renewal = (fresh, NOW + 10 * HOUR);
    assert_eq!(
        request.renew(old, CaseState::AwaitingApproval, renewal, NOW),
        None,
        "still valid"
    );
    let later = NOW + 2 * HOUR;
    let renewed = request
        .renew(old, CaseState::AwaitingApproval, renewal, later)
        .expect("expired")
        .clone();
    assert_eq!((renewed.id, renewed.expires_at), renewal);
    assert_eq!(request.links[0].state(), LinkState::Superseded);
    assert_eq!(
        request.refusal(old, CaseState::AwaitingApproval, later),
        Some(Refusal::Superseded)
    );
    assert_eq!(
        request.refusal(fresh, CaseState::AwaitingApproval, later),
        None
    );
    assert_eq!(
        request.renew(old, CaseState::AwaitingApproval, renewal, later),
        None,
        "replaced already"
    );
}
