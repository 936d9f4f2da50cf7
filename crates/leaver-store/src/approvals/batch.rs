//! Deciding many approval links in one transaction. Written alone, one decision costs some
//! twenty statements on the single writer, each a round trip to the database, and approvers
//! decide one HTTP request at a time; so decisions that arrive together are written together
//! (see [`crate::approvals::group_commit`]). The batch is read with four statements, worked out in
//! memory in arrival order exactly as one decision after the other would be (a link used twice,
//! two approvers of one request, two requests of one case), and written with a few multi-row
//! statements, in one transaction with its audit records and the cases' events.

mod io;
#[cfg(test)]
mod tests;

use crate::approvals::{Decided, DecisionOrigin, LinkView};
use crate::audit::{self, Entry};
use crate::record_batch::apply_events;
use crate::rows::{from_ms, ms};
use crate::{Actor, StoreError};
use leaver_core::approval::{Decision, Vote, approved_steps, outcome};
use leaver_core::{Case, CaseId, Effect, Event, StepId, StepState, Transition};
use serde_json::json;
use sqlx::AnyPool;
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;
use uuid::Uuid;

/// One decision to make, as [`crate::approvals::ApprovalStore::decide`] takes it.
#[derive(Clone, Debug)]
pub(crate) struct DecisionIn {
    pub token_hash: String,
    pub decision: Decision,
    pub reason: Option<String>,
    pub origin: DecisionOrigin,
    pub now: OffsetDateTime,
}

/// Decides `items` in order in one transaction; one result per item. `Err` only when the
/// transaction failed, and then nothing was written.
pub(crate) async fn decide_batch(
    pool: &AnyPool,
    items: &[DecisionIn],
) -> Result<Vec<Result<Decided, StoreError>>, StoreError> {
    let mut tx = audit::begin_write(pool).await?;
    let mut batch = Batch::load(&mut tx, items).await?;
    let results = items.iter().map(|item| batch.decide(item)).collect();
    batch.write(&mut tx).await?;
    tx.commit().await?;
    Ok(results)
}

/// Why a link may not decide now, if it may not.
pub(crate) fn refusal(link: &LinkView, now: OffsetDateTime) -> Option<Decided> {
    let link = link.clone();
    if link.decided_at.is_some() {
        Some(Decided::AlreadyDecided(link))
    } else if link.superseded_at.is_some() {
        Some(Decided::Superseded(link))
    } else if link.case_state.is_closed() {
        Some(Decided::CaseClosed(link))
    } else if link.request_state != "open" {
        Some(Decided::RequestSettled(link))
    } else if link.expires_at <= now {
        Some(Decided::Expired(link))
    } else {
        None
    }
}

/// A request's steps and state.
struct Request {
    case: CaseId,
    steps: Vec<StepId>,
    state: String,
}

/// The batch's links, requests and cases as they stand, and what it has changed so far.
#[derive(Default)]
struct Batch {
    /// Every link of every request that a link of the batch belongs to.
    links: HashMap<Uuid, LinkView>,
    by_hash: HashMap<String, Uuid>,
    /// Every request of the cases concerned.
    requests: HashMap<Uuid, Request>,
    before: HashMap<CaseId, Case>,
    cases: HashMap<CaseId, Case>,
    changed: HashSet<CaseId>,
    /// The links decided, in order, with where each decision came from.
    decided: Vec<(Uuid, DecisionOrigin)>,
    /// The requests settled: their new state and when.
    settled: Vec<(Uuid, &'static str, OffsetDateTime)>,
    effects: Vec<(CaseId, Effect)>,
    entries: Vec<(String, OffsetDateTime, Entry)>,
    latest: Option<OffsetDateTime>,
}

impl Batch {
    /// Decides one item against the batch as it stands; keeps what it changes only if it holds.
    fn decide(&mut self, item: &DecisionIn) -> Result<Decided, StoreError> {
        let Some(link) = self
            .by_hash
            .get(&item.token_hash)
            .and_then(|id| self.links.get(id))
            .cloned()
        else {
            return Ok(Decided::Unknown);
        };
        if let Some(refusal) = refusal(&link, item.now) {
            return Ok(refusal);
        }
        let at = from_ms(ms(item.now))?;
        let votes: Vec<Vote> = self
            .links
            .values()
            .filter(|l| l.request_id == link.request_id && l.superseded_at.is_none())
            .map(|l| {
                let decision = if l.link_id == link.link_id {
                    Some(item.decision)
                } else {
                    l.decision
                };
                Vote {
                    decision,
                    escalation: l.escalation,
                }
            })
            .collect();
        let settled = outcome(link.mode, &votes);
        let case = self
            .cases
            .get(&link.case_id)
            .ok_or(StoreError::CaseNotFound(link.case_id))?;
        let data = json!({
            "request": link.request_id, "rule": link.rule, "approver": link.approver, "escalation": link.escalation,
            "decision": item.decision, "reason": item.reason, "ip": item.origin.ip, "user_agent": item.origin.user_agent,
        });
        let mut entries = vec![Entry {
            case: Some(link.case_id),
            kind: "approval_decided".into(),
            data,
        }];
        let mut transition: Option<Transition> = None;
        if let Some(event) =
            settled.and_then(|settled| self.event(&link, case, settled, item.reason.clone()))
        {
            let detail = json!({ "request": link.request_id, "rule": link.rule });
            let (next, events) = apply_events(case, vec![event], &detail, item.now)?;
            entries.extend(events);
            transition = Some(next);
        }
        // The decision holds: keep it.
        let case_state = transition.as_ref().map_or(case.state, |t| t.case.state);
        if let Some(next) = transition {
            self.effects
                .extend(next.effects.into_iter().map(|e| (link.case_id, e)));
            self.cases.insert(link.case_id, next.case);
            self.changed.insert(link.case_id);
        }
        if let Some(settled) = settled {
            let state = if settled == Decision::Approve {
                "approved"
            } else {
                "rejected"
            };
            if let Some(request) = self.requests.get_mut(&link.request_id) {
                state.clone_into(&mut request.state);
            }
            self.settled.push((link.request_id, state, at));
            for other in self
                .links
                .values_mut()
                .filter(|l| l.request_id == link.request_id)
            {
                state.clone_into(&mut other.request_state);
            }
        }
        for other in self
            .links
            .values_mut()
            .filter(|l| l.case_id == link.case_id)
        {
            other.case_state = case_state;
        }
        let kept = self
            .links
            .get_mut(&link.link_id)
            .ok_or_else(|| StoreError::Corrupt("link vanished".into()))?;
        (kept.decided_at, kept.decision, kept.reason) =
            (Some(at), Some(item.decision), item.reason.clone());
        let view = kept.clone();
        self.decided.push((link.link_id, item.origin.clone()));
        let actor = Actor::approver(&link.approver);
        self.entries.extend(
            entries
                .into_iter()
                .map(|e| (actor.as_str().to_owned(), item.now, e)),
        );
        self.latest = self.latest.max(Some(item.now));
        Ok(Decided::Recorded {
            link: view,
            case_state,
        })
    }

    /// What settling `link`'s request as `settled` does to the case's steps, if anything.
    fn event(
        &self,
        link: &LinkView,
        case: &Case,
        settled: Decision,
        reason: Option<String>,
    ) -> Option<Event> {
        let waiting = |steps: &[StepId]| -> Vec<StepId> {
            let waits = |id: &StepId| {
                case.step(*id)
                    .is_some_and(|s| s.state == StepState::AwaitingApproval)
            };
            steps.iter().copied().filter(waits).collect()
        };
        let steps = match settled {
            Decision::Reject => waiting(&link.steps),
            Decision::Approve => {
                let outcomes: Vec<(Vec<StepId>, Option<Decision>)> = self
                    .requests
                    .iter()
                    .filter(|(_, r)| r.case == link.case_id)
                    .map(|(id, r)| {
                        (
                            r.steps.clone(),
                            if *id == link.request_id {
                                "approved"
                            } else {
                                r.state.as_str()
                            },
                        )
                    })
                    .map(|(steps, state)| (steps, decision_of(state)))
                    .collect();
                waiting(&approved_steps(&outcomes))
            }
        };
        match settled {
            _ if steps.is_empty() => None,
            Decision::Reject => Some(Event::Rejected {
                steps,
                reason: reason.unwrap_or_else(|| "rejected".into()),
            }),
            Decision::Approve => Some(Event::Approved { steps }),
        }
    }
}

fn decision_of(state: &str) -> Option<Decision> {
    match state {
        "approved" => Some(Decision::Approve),
        "rejected" => Some(Decision::Reject),
        _ => None,
    }
}
