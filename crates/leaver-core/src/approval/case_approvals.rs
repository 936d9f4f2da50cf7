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
mod tests {
    use super::*;
    use crate::approval::{Link, Mode};
    use crate::{
        CaseId, CaseState, NewStep, StepKind, Strategy, Target, Ticket, TicketInput, apply,
    };
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
}
