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
    /// Who the request went to instead, when it was handed over (the manager changed).
    pub moved_to: Option<String>,
    pub decision: Option<Decision>,
    pub decided_at: Option<OffsetDateTime>,
    pub reason: Option<String>,
    /// With an `approve` decision: the steps this approver rejected on their own (kept), the
    /// rest approved. Empty when the decision covered every step.
    pub rejected_steps: Vec<StepId>,
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
            moved_to: None,
            decision: None,
            decided_at: None,
            reason: None,
            rejected_steps: Vec::new(),
        }
    }

    /// How this link voted on `step`: its whole decision, except the steps it rejected on
    /// their own while approving the rest.
    pub fn vote_on(&self, step: StepId) -> Option<Decision> {
        match self.decision? {
            Decision::Approve if self.rejected_steps.contains(&step) => Some(Decision::Reject),
            decision => Some(decision),
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
    /// Those of `steps` it no longer decides: they were put to the approvers again since.
    pub withdrawn: Vec<StepId>,
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
            withdrawn: Vec::new(),
            state: RequestState::Open,
            links: Vec::new(),
        }
    }

    /// Whether the request decides `step` (it asked about it and the step was not asked again).
    pub fn decides(&self, step: StepId) -> bool {
        self.steps.contains(&step) && !self.withdrawn.contains(&step)
    }

    /// The steps it decides.
    pub fn deciding(&self) -> impl Iterator<Item = StepId> + '_ {
        self.steps
            .iter()
            .copied()
            .filter(|s| !self.withdrawn.contains(s))
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

    /// How the votes so far settle the request as a whole, `None` while they do not: every
    /// step it asked about settled, `rejected` if every one was rejected, `approved` otherwise
    /// (some steps may have been kept: see [`Request::outcome_for`]).
    pub fn outcome(&self) -> Option<Decision> {
        let outcomes: Vec<Option<Decision>> =
            self.steps.iter().map(|s| self.votes_on(*s)).collect();
        if outcomes.is_empty() || outcomes.iter().any(Option::is_none) {
            return None;
        }
        let all_no = outcomes.iter().all(|o| *o == Some(Decision::Reject));
        Some(if all_no {
            Decision::Reject
        } else {
            Decision::Approve
        })
    }

    /// How the request decided `step`, `None` while it has not: per step, one no rejects it;
    /// an escalation target's yes approves it; otherwise `any` needs one yes of the approvers
    /// first asked and `all` every one of theirs. Replaced links do not vote (their
    /// replacement does). A request settled without per-step votes decides as it settled.
    pub fn outcome_for(&self, step: StepId) -> Option<Decision> {
        self.votes_on(step).or(self.state.decision())
    }

    fn votes_on(&self, step: StepId) -> Option<Decision> {
        let voting = || {
            self.links
                .iter()
                .filter(|l| l.state() != LinkState::Superseded)
        };
        if voting().any(|l| l.vote_on(step) == Some(Decision::Reject)) {
            return Some(Decision::Reject);
        }
        let yes = |l: &Link| l.vote_on(step) == Some(Decision::Approve);
        let mut regular = voting().filter(|l| !l.escalation).peekable();
        let settled = voting().any(|l| l.escalation && yes(l))
            || match self.mode {
                Mode::Any => regular.any(yes),
                Mode::All => regular.peek().is_some() && regular.all(yes),
            };
        settled.then_some(Decision::Approve)
    }

    /// Records `decision` by link `id` (with the steps it `kept`, rejected on their own) and
    /// settles the request if the votes now do. Returns the state it settled in, if it did.
    pub(super) fn vote(
        &mut self,
        id: Uuid,
        (decision, kept): (Decision, Vec<StepId>),
        reason: Option<String>,
        now: OffsetDateTime,
    ) -> Option<RequestState> {
        let link = self.links.iter_mut().find(|l| l.id == id)?;
        (link.decision, link.decided_at, link.reason) = (Some(decision), Some(now), reason);
        link.rejected_steps = kept;
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
mod tests;
