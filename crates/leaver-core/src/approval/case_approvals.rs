//! The approval requests of one case, decided as one aggregate: a decision settles (or not) its
//! own request, and what that does to the case's steps depends on every request covering them.
//! The store loads the requests and the case, asks [`CaseApprovals::decide`], and saves what
//! changed with the event it returns.

use super::Decision;
use super::request::{Link, LinkState, Refusal, Request, RequestState};
use crate::{Case, Event, StepId, StepState};
use time::OffsetDateTime;
use uuid::Uuid;

/// Every approval request of one case, with their links.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseApprovals {
    pub requests: Vec<Request>,
}

/// A decision that was recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The request the link belongs to.
    pub request: Uuid,
    /// The state that request settled in, if the decision settled it.
    pub settled: Option<RequestState>,
    /// What it does to the case's steps, in order: the steps it rejected (`rejected` for a
    /// whole-request no, `kept` for steps rejected on their own), then the steps it approved.
    pub events: Vec<Event>,
}

/// One approver's answer: a decision about the whole request, or an approval with some of its
/// steps rejected on their own (kept), and the reason (required by the doors for any no).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballot {
    pub decision: Decision,
    /// With `approve`: the steps rejected on their own. Ignored with `reject`.
    pub kept: Vec<StepId>,
    pub reason: Option<String>,
}

impl From<(Decision, Option<String>)> for Ballot {
    fn from((decision, reason): (Decision, Option<String>)) -> Ballot {
        Ballot {
            decision,
            kept: Vec::new(),
            reason,
        }
    }
}

impl Ballot {
    /// The ballot as `request` counts it: kept steps it does not decide are dropped, and
    /// keeping every step it decides is rejecting the request.
    fn normalized(self, request: &Request) -> (Decision, Vec<StepId>) {
        if self.decision == Decision::Reject {
            return (Decision::Reject, Vec::new());
        }
        let mut kept: Vec<StepId> = self
            .kept
            .into_iter()
            .filter(|s| request.decides(*s))
            .collect();
        kept.sort();
        kept.dedup();
        if !kept.is_empty() && request.deciding().all(|s| kept.contains(&s)) {
            return (Decision::Reject, Vec::new());
        }
        (Decision::Approve, kept)
    }
}

impl CaseApprovals {
    /// The request link `link` belongs to.
    pub fn request_of(&self, link: Uuid) -> Option<&Request> {
        self.requests.iter().find(|r| r.link(link).is_some())
    }

    /// Records `ballot` by `link` at `now` on `case`, unless the link may not decide (see
    /// [`Request::refusal`]). Steps combine per step: a step the decision left rejected by
    /// this request ends `rejected` at once (`kept`, naming the approver, when the approver
    /// approved the rest); a step every request deciding it approved is approved.
    pub fn decide(
        &mut self,
        case: &Case,
        link: Uuid,
        ballot: impl Into<Ballot>,
        now: OffsetDateTime,
    ) -> Result<Recorded, Refusal> {
        let ballot = ballot.into();
        let index = self
            .requests
            .iter()
            .position(|r| r.link(link).is_some())
            .ok_or(Refusal::UnknownLink)?;
        let request = &mut self.requests[index];
        if let Some(refusal) = request.refusal(link, case.state, now) {
            return Err(refusal);
        }
        let reason = ballot.reason.clone();
        let (decision, kept) = ballot.normalized(request);
        let settled = request.vote(link, (decision, kept), reason.clone(), now);
        let approver = request.link(link).map(|l| l.approver.clone());
        let request_id = request.id;
        let request = &self.requests[index];
        let no: Vec<StepId> = request
            .deciding()
            .filter(|s| request.outcome_for(*s) == Some(Decision::Reject))
            .collect();
        let no = awaiting(case, &no);
        let reason = reason.unwrap_or_else(|| "rejected".into());
        let mut events = Vec::new();
        if !no.is_empty() {
            events.push(match (decision, approver) {
                (Decision::Approve, Some(by)) => Event::Kept {
                    steps: no.clone(),
                    reason,
                    by,
                },
                _ => Event::Rejected {
                    steps: no.clone(),
                    reason,
                },
            });
        }
        let mut yes = awaiting(case, &self.approved_steps());
        yes.retain(|s| !no.contains(s));
        if !yes.is_empty() {
            events.push(Event::Approved { steps: yes });
        }
        Ok(Recorded {
            request: request_id,
            settled,
            events,
        })
    }

    /// The steps every request still deciding them approved (none: not approved). A step asked
    /// again is decided only by the requests made since (see [`CaseApprovals::withdraw`]).
    pub fn approved_steps(&self) -> Vec<StepId> {
        let mut steps: Vec<StepId> = self.requests.iter().flat_map(Request::deciding).collect();
        steps.sort();
        steps.dedup();
        steps.retain(|step| {
            self.requests
                .iter()
                .filter(|r| r.decides(*step))
                .all(|r| r.outcome_for(*step) == Some(Decision::Approve))
        });
        steps
    }

    /// The steps of `request` still undecided (by it, per step): what a reminder asks about.
    pub fn undecided_steps(&self, request: Uuid) -> Vec<StepId> {
        self.requests
            .iter()
            .filter(|r| r.id == request)
            .flat_map(|r| r.deciding().filter(|s| r.outcome_for(*s).is_none()))
            .collect()
    }

    /// `steps` are put to the approvers again: the requests made so far no longer decide them.
    /// Returns the ids of the requests that changed.
    pub fn withdraw(&mut self, steps: &[StepId]) -> Vec<Uuid> {
        let mut changed = Vec::new();
        for request in &mut self.requests {
            let asked: Vec<StepId> = steps
                .iter()
                .copied()
                .filter(|s| request.decides(*s))
                .collect();
            if !asked.is_empty() {
                request.withdrawn.extend(asked);
                changed.push(request.id);
            }
        }
        changed
    }

    /// Hands every open link of `from` on an open request over to `to` (the case's manager
    /// changed): each is replaced by a fresh link (`mint` gives its id, valid until
    /// `expires_at`) that says where it came from, and the old one says where it went.
    /// Returns, for each link handed over, its request, the old link's id and the new link.
    pub fn hand_over(
        &mut self,
        (from, to): (&str, &str),
        mut mint: impl FnMut() -> Uuid,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Vec<(Uuid, Uuid, Link)> {
        let mut handed = Vec::new();
        for request in self
            .requests
            .iter_mut()
            .filter(|r| r.state == RequestState::Open)
        {
            let moving: Vec<Uuid> = request
                .links
                .iter()
                .filter(|l| l.approver == from && l.state() == LinkState::Open)
                .map(|l| l.id)
                .collect();
            for id in moving {
                if let Some(old) = request.links.iter_mut().find(|l| l.id == id) {
                    old.superseded_at = Some(now);
                    old.moved_to = Some(to.to_owned());
                }
                let escalation = request.link(id).is_some_and(|l| l.escalation);
                let link = request
                    .ask((mint(), to), escalation, now, expires_at)
                    .clone();
                handed.push((request.id, id, link));
            }
        }
        handed
    }
}

/// Those of `steps` that still wait for an approver on `case`.
fn awaiting(case: &Case, steps: &[StepId]) -> Vec<StepId> {
    let waits = |id: &StepId| {
        case.step(*id)
            .is_some_and(|s| s.state == StepState::AwaitingApproval)
    };
    steps.iter().copied().filter(waits).collect()
}

#[cfg(test)]
mod tests;
