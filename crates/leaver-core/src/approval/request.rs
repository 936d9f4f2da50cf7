//! One approval request: a rule's question about some steps of a case, the links that put it to
//! each approver (one link per approver, replaced when it expires), and where it stands. The
//! rules live here: when a link may decide, how votes add up under `any` and `all`, when a link
//! may be renewed.

use super::{Decision, Mode};
use crate::state::named_enum;
use crate::{CaseId, CaseState, StepId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

named_enum!(
    /// Where a request stands.
    RequestState {
        /// Waiting for its approvers.
        Open => "open",
        /// Settled: the rule is satisfied for its steps.
        Approved => "approved",
        /// Settled: an approver said no.
        Rejected => "rejected",
    }
);

impl RequestState {
    /// The state a request settled with `decision` is in.
    pub fn settled(decision: Decision) -> RequestState {
        match decision {
            Decision::Approve => RequestState::Approved,
            Decision::Reject => RequestState::Rejected,
        }
    }

    /// How it was settled, if it was.
    pub fn decision(self) -> Option<Decision> {
        match self {
            RequestState::Open => None,
            RequestState::Approved => Some(Decision::Approve),
            RequestState::Rejected => Some(Decision::Reject),
        }
    }
}

/// One approver's link on a request. Its secret is not here: only the link's id, which the
/// secret is derived from outside the core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub id: Uuid,
    pub approver: String,
    /// Asked because the request was escalated: their yes settles it on its own.
    pub escalation: bool,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// When a fresh link replaced this one.
    pub superseded_at: Option<OffsetDateTime>,
    pub decision: Option<Decision>,
    pub decided_at: Option<OffsetDateTime>,
    pub reason: Option<String>,
}

/// Where a link stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Not used and not replaced (it may still have expired).
    Open,
    /// Used: the approver decided.
    Decided(Decision),
    /// Replaced by a fresh link before it was used.
    Superseded,
}

impl Link {
    /// A new link for `approver`, valid from `now` until `expires_at`.
    pub fn new(
        id: Uuid,
        approver: &str,
        escalation: bool,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Link {
        Link {
            id,
            approver: approver.to_owned(),
            escalation,
            created_at: now,
            expires_at,
            superseded_at: None,
            decision: None,
            decided_at: None,
            reason: None,
        }
    }

    pub fn state(&self) -> LinkState {
        match (self.decision, self.superseded_at) {
            (Some(decision), _) => LinkState::Decided(decision),
            (None, Some(_)) => LinkState::Superseded,
            (None, None) => LinkState::Open,
        }
    }
}

/// Why a link may not decide now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No such link.
    UnknownLink,
    /// The link was used already (by this approver).
    AlreadyDecided,
    /// A newer link replaced this one.
    Superseded,
    /// The case is completed or cancelled.
    CaseClosed,
    /// Another approver settled the request first.
    RequestSettled,
    Expired,
}

/// One rule's request on one case, with its links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: Uuid,
    pub case: CaseId,
    pub rule: String,
    pub mode: Mode,
    pub steps: Vec<StepId>,
    pub state: RequestState,
    pub links: Vec<Link>,
}

impl Request {
    /// A new open request of `rule` (deciding by `mode`) about `steps` of `case`, asking nobody
    /// yet.
    pub fn open(id: Uuid, case: CaseId, rule: &str, mode: Mode, steps: Vec<StepId>) -> Request {
        Request {
            id,
            case,
            rule: rule.to_owned(),
            mode,
            steps,
            state: RequestState::Open,
            links: Vec::new(),
        }
    }

    /// Asks `approver` with a new link (`id`, from `now` until `expires_at`); an escalation
    /// target's (`escalation`) yes settles the request on its own.
    pub fn ask(
        &mut self,
        (id, approver): (Uuid, &str),
        escalation: bool,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> &Link {
        self.links
            .push(Link::new(id, approver, escalation, now, expires_at));
        &self.links[self.links.len() - 1]
    }

    pub fn link(&self, id: Uuid) -> Option<&Link> {
        self.links.iter().find(|l| l.id == id)
    }

    /// Why link `id` may not decide at `now` on a case in `case_state`; `None` if it may.
    pub fn refusal(&self, id: Uuid, case_state: CaseState, now: OffsetDateTime) -> Option<Refusal> {
        let Some(link) = self.link(id) else {
            return Some(Refusal::UnknownLink);
        };
        match link.state() {
            LinkState::Decided(_) => Some(Refusal::AlreadyDecided),
            LinkState::Superseded => Some(Refusal::Superseded),
            LinkState::Open if case_state.is_closed() => Some(Refusal::CaseClosed),
            LinkState::Open if self.state != RequestState::Open => Some(Refusal::RequestSettled),
            LinkState::Open if link.expires_at <= now => Some(Refusal::Expired),
            LinkState::Open => None,
        }
    }

    /// How the votes so far settle the request, `None` while they do not. One no rejects; an
    /// escalation target's yes approves; otherwise `any` needs one yes of the approvers first
    /// asked and `all` every one of theirs. Replaced links do not vote (their replacement does).
    pub fn outcome(&self) -> Option<Decision> {
        let voting = || {
            self.links
                .iter()
                .filter(|l| l.state() != LinkState::Superseded)
        };
        if voting().any(|l| l.decision == Some(Decision::Reject)) {
            return Some(Decision::Reject);
        }
        let yes = |l: &Link| l.decision == Some(Decision::Approve);
        let mut regular = voting().filter(|l| !l.escalation).peekable();
        let settled = voting().any(|l| l.escalation && yes(l))
            || match self.mode {
                Mode::Any => regular.any(yes),
                Mode::All => regular.peek().is_some() && regular.all(yes),
            };
        settled.then_some(Decision::Approve)
    }

    /// Records `decision` by link `id` and settles the request if the votes now do. Returns the
    /// state it settled in, if it did.
    pub(super) fn vote(
        &mut self,
        id: Uuid,
        decision: Decision,
        reason: Option<String>,
        now: OffsetDateTime,
    ) -> Option<RequestState> {
        let link = self.links.iter_mut().find(|l| l.id == id)?;
        (link.decision, link.decided_at, link.reason) = (Some(decision), Some(now), reason);
        let settled = self.outcome().map(RequestState::settled)?;
        self.state = settled;
        Some(settled)
    }

    /// Replaces the expired link `id` by a fresh one (`new_id`, valid until `expires_at`) for
    /// the same approver, and returns it. Only an expired link is renewed (`None` otherwise): one
    /// still valid, used or replaced, or on a settled request or a closed case, is not.
    pub fn renew(
        &mut self,
        id: Uuid,
        case_state: CaseState,
        (new_id, expires_at): (Uuid, OffsetDateTime),
        now: OffsetDateTime,
    ) -> Option<&Link> {
        if self.refusal(id, case_state, now) != Some(Refusal::Expired) {
            return None;
        }
        let old = self.links.iter_mut().find(|l| l.id == id)?;
        old.superseded_at = Some(now);
        let fresh = Link::new(new_id, &old.approver, old.escalation, now, expires_at);
        self.links.push(fresh);
        self.links.last()
    }
}

#[cfg(test)]
mod tests {
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
            steps: Vec::new(),
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
}
