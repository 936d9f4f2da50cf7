//! Deciding many approval links in one transaction. Written alone, one decision costs some
//! twenty statements on the single writer, each a round trip to the database, and approvers
//! decide one HTTP request at a time; so decisions that arrive together are written together
//! (see [`crate::write_path::group_commit`]). The batch reads the cases concerned and their
//! approval requests with four statements, asks the core ([`CaseApprovals::decide`]) about each
//! decision in arrival order, exactly as one decision after the other would be (a link used
//! twice, two approvers of one request, two requests of one case), and writes what changed with
//! a few multi-row statements, in one transaction with its audit records and the cases' events.

mod io;
#[cfg(test)]
mod tests;

use crate::approvals::{Decided, DecisionOrigin, LinkView};
use crate::audit::Entry;
use crate::cases::record_batch::apply_events;
use crate::cases::rows::{from_ms, ms};
use crate::{Actor, StoreError, audit};
use leaver_core::approval::{Ballot, CaseApprovals, Decision, Refusal, RequestState};
use leaver_core::{Case, CaseId, Effect};
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
    /// With `approve`: the steps rejected on their own (kept).
    pub kept: Vec<leaver_core::StepId>,
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

/// The batch's cases and their approvals as they stand, and what it has changed so far.
#[derive(Default)]
struct Batch {
    /// The case and link each token hash names.
    by_hash: HashMap<String, (CaseId, Uuid)>,
    approvals: HashMap<CaseId, CaseApprovals>,
    before: HashMap<CaseId, Case>,
    cases: HashMap<CaseId, Case>,
    changed: HashSet<CaseId>,
    /// The links decided, in order, with where each decision came from.
    decided: Vec<(CaseId, Uuid, DecisionOrigin)>,
    /// The requests settled: their new state and when.
    settled: Vec<(Uuid, RequestState, OffsetDateTime)>,
    effects: Vec<(CaseId, Effect)>,
    entries: Vec<(String, OffsetDateTime, Entry)>,
    latest: Option<OffsetDateTime>,
}

impl Batch {
    /// Decides one item against the batch as it stands; keeps what it changes only if it holds.
    fn decide(&mut self, item: &DecisionIn) -> Result<Decided, StoreError> {
        let Some(&(case_id, link_id)) = self.by_hash.get(&item.token_hash) else {
            return Ok(Decided::Unknown);
        };
        let case = self
            .cases
            .get(&case_id)
            .ok_or(StoreError::CaseNotFound(case_id))?;
        let mut approvals = self.approvals.get(&case_id).cloned().unwrap_or_default();
        // Stored to the millisecond: the answer shows the decision as it will read back.
        let at = from_ms(ms(item.now))?;
        let ballot = Ballot {
            decision: item.decision,
            kept: item.kept.clone(),
            reason: item.reason.clone(),
        };
        let recorded = match approvals.decide(case, link_id, ballot, at) {
            Ok(recorded) => recorded,
            Err(Refusal::UnknownLink) => return Ok(Decided::Unknown),
            Err(refusal) => {
                let link = view(&approvals, link_id, case.state)?;
                return Ok(Decided::Refused { refusal, link });
            }
        };
        let link = view(&approvals, link_id, case.state)?;
        let mut entries = vec![Entry {
            case: Some(case_id),
            kind: "approval_decided".into(),
            data: json!({
                "request": link.request_id, "rule": link.rule, "approver": link.approver,
                "escalation": link.escalation, "decision": link.decision, "reason": item.reason,
                "rejected_steps": link.rejected_steps,
                "ip": item.origin.ip, "user_agent": item.origin.user_agent,
            }),
        }];
        let mut after = None;
        if !recorded.events.is_empty() {
            let detail = json!({ "request": link.request_id, "rule": link.rule });
            let (next, events) = apply_events(case, recorded.events, &detail, item.now)?;
            entries.extend(events);
            after = Some(next);
        }
        // The decision holds: keep it.
        let case_state = after.as_ref().map_or(case.state, |t| t.case.state);
        if let Some(next) = after {
            self.effects
                .extend(next.effects.into_iter().map(|e| (case_id, e)));
            self.cases.insert(case_id, next.case);
            self.changed.insert(case_id);
        }
        if let Some(state) = recorded.settled {
            self.settled.push((recorded.request, state, at));
        }
        self.approvals.insert(case_id, approvals);
        self.decided.push((case_id, link_id, item.origin.clone()));
        let actor = Actor::approver(&link.approver);
        self.entries.extend(
            entries
                .into_iter()
                .map(|e| (actor.as_str().to_owned(), item.now, e)),
        );
        self.latest = self.latest.max(Some(item.now));
        Ok(Decided::Recorded {
            link: LinkView { case_state, ..link },
            case_state,
        })
    }
}

/// How link `id` of `approvals` reads on a case in `case_state`.
fn view(
    approvals: &CaseApprovals,
    id: Uuid,
    case_state: leaver_core::CaseState,
) -> Result<LinkView, StoreError> {
    let request = approvals
        .request_of(id)
        .ok_or_else(|| StoreError::Corrupt("link vanished".into()))?;
    let link = request
        .link(id)
        .ok_or_else(|| StoreError::Corrupt("link vanished".into()))?;
    Ok(LinkView::of(request, link, case_state))
}
