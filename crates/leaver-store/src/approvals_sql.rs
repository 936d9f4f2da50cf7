//! [`ApprovalStore`] for [`SqlStore`]. Every change runs in one write transaction with its
//! audit record, its queued emails and, when a decision settles a request, the case's
//! `approved`/`rejected` event.

use crate::approval_rows::{Minting, enum_text, insert_link, mail_link, view, views};
use crate::approvals::{ApprovalStore, Decided, DecisionOrigin, LinkEmail, LinkMinter, LinkView, NewRequest};
use crate::rows::ms;
use crate::{Actor, Lease, SqlStore, StoreError, audit, jobs, transitions};
use async_trait::async_trait;
use leaver_core::approval::{Decision, Vote, approved_steps, outcome};
use leaver_core::{CaseId, Event, StepId, StepState};
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

/// Open links: undecided, not replaced, request open, case open.
const OPEN: &str = "l.decided_at IS NULL AND l.superseded_at IS NULL AND r.state = 'open'
     AND c.state NOT IN ('completed', 'cancelled')";

#[async_trait]
impl ApprovalStore for SqlStore {
    async fn open_requests(
        &self,
        case: CaseId,
        requests: &[NewRequest],
        minter: &dyn LinkMinter,
        expires_at: OffsetDateTime,
        lease: Option<&Lease>,
        now: OffsetDateTime,
    ) -> Result<Vec<LinkView>, StoreError> {
        let mut tx = audit::begin_write(self.pool()).await?;
        if let Some(lease) = lease {
            jobs::finish(&mut *tx, lease).await?;
        }
        let minting = Minting { minter, expires_at, now };
        let mut links = Vec::new();
        for request in requests {
            let request_id = Uuid::new_v4();
            sqlx::query(
                "INSERT INTO approval_request (request_id, case_id, rule, mode, steps, state, created_at)
                 VALUES ($1, $2, $3, $4, $5, 'open', $6)",
            )
            .bind(request_id.to_string())
            .bind(case.to_string())
            .bind(request.rule.clone())
            .bind(enum_text(&request.mode))
            .bind(serde_json::to_string(&request.steps).map_err(|e| StoreError::Corrupt(e.to_string()))?)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
            for approver in &request.approvers {
                links.push(insert_link(&mut tx, request_id, approver, (false, LinkEmail::Request), &minting).await?);
            }
        }
        let asked: Vec<_> = requests
            .iter()
            .map(|r| json!({ "rule": r.rule, "mode": r.mode, "steps": r.steps, "approvers": r.approvers }))
            .collect();
        audit::append(&mut tx, Some(case), "engine", "approval_requested", json!({ "requests": asked }), now).await?;
        tx.commit().await?;
        Ok(links)
    }

    async fn link(&self, token_hash: &str) -> Result<Option<LinkView>, StoreError> {
        view(&mut *self.pool().acquire().await?, "l.token_hash = $1", token_hash.to_owned()).await
    }

    async fn links_of(&self, case: CaseId) -> Result<Vec<LinkView>, StoreError> {
        views(&mut *self.pool().acquire().await?, "r.case_id = $1", case.to_string()).await
    }

    async fn decide(
        &self,
        token_hash: &str,
        decision: Decision,
        reason: Option<String>,
        origin: &DecisionOrigin,
        now: OffsetDateTime,
    ) -> Result<Decided, StoreError> {
        let mut tx = audit::begin_write(self.pool()).await?;
        let Some(link) = view(&mut tx, "l.token_hash = $1", token_hash.to_owned()).await? else {
            return Ok(Decided::Unknown);
        };
        if let Some(refusal) = refusal(&link, now) {
            return Ok(refusal);
        }
        sqlx::query(
            "UPDATE approval_link SET decided_at = $1, decision = $2, reason = $3, ip = $4, user_agent = $5
             WHERE link_id = $6 AND decided_at IS NULL",
        )
        .bind(ms(now))
        .bind(enum_text(&decision))
        .bind(reason.clone())
        .bind(origin.ip.clone())
        .bind(origin.user_agent.clone())
        .bind(link.link_id.to_string())
        .execute(&mut *tx)
        .await?;
        let actor = Actor::approver(&link.approver);
        let data = json!({
            "request": link.request_id, "rule": link.rule, "approver": link.approver, "escalation": link.escalation,
            "decision": decision, "reason": reason, "ip": origin.ip, "user_agent": origin.user_agent,
        });
        audit::append(&mut tx, Some(link.case_id), actor.as_str(), "approval_decided", data, now).await?;
        let case_state = settle(&mut tx, &link, &actor, reason, now).await?;
        let link = view(&mut tx, "l.link_id = $1", link.link_id.to_string()).await?.ok_or(StoreError::Corrupt("link vanished".into()))?;
        tx.commit().await?;
        Ok(Decided::Recorded { link, case_state })
    }

    async fn renew_link(
        &self,
        token_hash: &str,
        minter: &dyn LinkMinter,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Option<LinkView>, StoreError> {
        let mut tx = audit::begin_write(self.pool()).await?;
        let Some(old) = view(&mut tx, "l.token_hash = $1", token_hash.to_owned()).await? else {
            return Ok(None);
        };
        if !matches!(refusal(&old, now), Some(Decided::Expired(_))) {
            return Ok(None);
        }
        sqlx::query("UPDATE approval_link SET superseded_at = $1 WHERE link_id = $2")
            .bind(ms(now))
            .bind(old.link_id.to_string())
            .execute(&mut *tx)
            .await?;
        let minting = Minting { minter, expires_at, now };
        let new = insert_link(&mut tx, old.request_id, &old.approver, (old.escalation, LinkEmail::FreshLink), &minting).await?;
        let data = json!({ "request": old.request_id, "approver": old.approver, "replaces": old.link_id, "link": new.link_id });
        audit::append(&mut tx, Some(old.case_id), &format!("approver:{}", old.approver), "approval_link_renewed", data, now).await?;
        tx.commit().await?;
        Ok(Some(new))
    }

    async fn remind(
        &self,
        quiet_since: OffsetDateTime,
        max_reminders: u32,
        minter: &dyn LinkMinter,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let mut tx = audit::begin_write(self.pool()).await?;
        let filter = format!(
            "{OPEN} AND l.expires_at > {} AND l.reminders < {max_reminders} AND COALESCE(l.reminded_at, l.created_at) <= $1",
            ms(now)
        );
        let due = views(&mut tx, &filter, ms(quiet_since).to_string()).await?;
        for link in &due {
            let row = sqlx::query(
                "UPDATE approval_link SET reminders = reminders + 1, reminded_at = $1 WHERE link_id = $2 RETURNING reminders",
            )
            .bind(ms(now))
            .bind(link.link_id.to_string())
            .fetch_one(&mut *tx)
            .await?;
            let count: i64 = row.try_get("reminders")?;
            mail_link(&mut tx, link, LinkEmail::Reminder(u32::try_from(count).unwrap_or(u32::MAX)), minter, now).await?;
            let data = json!({ "request": link.request_id, "approver": link.approver, "reminder": count });
            audit::append(&mut tx, Some(link.case_id), "engine", "approval_reminded", data, now).await?;
        }
        tx.commit().await?;
        Ok(due.len())
    }

    async fn escalate(
        &self,
        opened_before: OffsetDateTime,
        targets: &[String],
        minter: &dyn LinkMinter,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let mut tx = audit::begin_write(self.pool()).await?;
        let rows = sqlx::query(
            "SELECT r.request_id, r.case_id, c.email FROM approval_request r JOIN offboarding_case c ON c.case_id = r.case_id
             WHERE r.state = 'open' AND r.escalated_at IS NULL AND r.created_at <= $1
               AND c.state NOT IN ('completed', 'cancelled')",
        )
        .bind(ms(opened_before))
        .fetch_all(&mut *tx)
        .await?;
        let minting = Minting { minter, expires_at, now };
        for row in &rows {
            let request_id: String = row.try_get("request_id")?;
            let leaver: String = row.try_get("email")?;
            sqlx::query("UPDATE approval_request SET escalated_at = $1 WHERE request_id = $2")
                .bind(ms(now))
                .bind(request_id.clone())
                .execute(&mut *tx)
                .await?;
            let request: Uuid = request_id.parse().map_err(|e| StoreError::Corrupt(format!("request_id: {e}")))?;
            let mut asked = Vec::new();
            for target in targets.iter().filter(|t| !t.eq_ignore_ascii_case(&leaver)) {
                let link = insert_link(&mut tx, request, target, (true, LinkEmail::Escalation), &minting).await?;
                asked.push(link.approver);
            }
            let case: String = row.try_get("case_id")?;
            let case = case.parse().map_err(|e| StoreError::Corrupt(format!("case_id: {e}")))?;
            audit::append(&mut tx, Some(case), "engine", "approval_escalated", json!({ "request": request, "asked": asked }), now).await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }
}

/// Why a link may not decide now, if it may not.
fn refusal(link: &LinkView, now: OffsetDateTime) -> Option<Decided> {
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

/// Settles the link's request if its votes now decide it, and moves the case's steps.
async fn settle(
    tx: &mut Transaction<'static, Any>,
    link: &LinkView,
    actor: &Actor,
    reason: Option<String>,
    now: OffsetDateTime,
) -> Result<leaver_core::CaseState, StoreError> {
    let votes = views(tx, "l.request_id = $1 AND l.superseded_at IS NULL", link.request_id.to_string()).await?;
    let votes: Vec<Vote> = votes.iter().map(|l| Vote { decision: l.decision, escalation: l.escalation }).collect();
    let Some(settled) = outcome(link.mode, &votes) else {
        return Ok(link.case_state);
    };
    sqlx::query("UPDATE approval_request SET state = $1, decided_at = $2 WHERE request_id = $3")
        .bind(if settled == Decision::Approve { "approved" } else { "rejected" })
        .bind(ms(now))
        .bind(link.request_id.to_string())
        .execute(&mut **tx)
        .await?;
    let case = crate::cases::load(tx, link.case_id).await?;
    let waiting = |steps: &[StepId]| -> Vec<StepId> {
        steps.iter().copied().filter(|id| case.step(*id).is_some_and(|s| s.state == StepState::AwaitingApproval)).collect()
    };
    let event = match settled {
        Decision::Reject => Event::Rejected { steps: waiting(&link.steps), reason: reason.unwrap_or_else(|| "rejected".into()) },
        Decision::Approve => Event::Approved { steps: waiting(&approved_steps(&request_outcomes(tx, link.case_id).await?)) },
    };
    if matches!(&event, Event::Approved { steps } | Event::Rejected { steps, .. } if steps.is_empty()) {
        return Ok(case.state);
    }
    let detail = json!({ "request": link.request_id, "rule": link.rule });
    Ok(transitions::apply_events(tx, link.case_id, vec![event], actor, &detail, now).await?.case.state)
}

/// Every request of the case with its steps and outcome.
async fn request_outcomes(
    tx: &mut Transaction<'static, Any>,
    case: CaseId,
) -> Result<Vec<(Vec<StepId>, Option<Decision>)>, StoreError> {
    let rows = sqlx::query("SELECT steps, state FROM approval_request WHERE case_id = $1")
        .bind(case.to_string())
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|row| {
            let steps: String = row.try_get("steps")?;
            let state: String = row.try_get("state")?;
            let steps = serde_json::from_str(&steps).map_err(|e| StoreError::Corrupt(format!("steps: {e}")))?;
            let decided = match state.as_str() {
                "approved" => Some(Decision::Approve),
                "rejected" => Some(Decision::Reject),
                _ => None,
            };
            Ok((steps, decided))
        })
        .collect()
}
