//! [`ApprovalStore`] for [`SqlStore`]. Every change runs in one write transaction with its
//! audit record, its queued emails and, when a decision settles a request, the case's
//! `approved`/`rejected` event. Decisions are written in batches (see
//! [`crate::approvals::group_commit`]).

use crate::approvals::batch::DecisionIn;
use crate::approvals::rows::{
    insert_link, insert_request, mail_link, request_from_row, request_of, supersede, view, views,
};
use crate::approvals::{
    ApprovalStore, Decided, DecisionOrigin, LinkEmail, LinkMinter, LinkView, NewRequest,
};
use crate::rows::ms;
use crate::{Actor, Lease, SqlStore, StoreError, audit, jobs};
use async_trait::async_trait;
use leaver_core::approval::{Decision, Link, Request, RequestState, escalation_targets};
use leaver_core::{CaseId, CaseState, EmailAddress};
use serde_json::json;
use sqlx::Row;
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
        let mut tx = audit::begin_write(self.writer()).await?;
        if let Some(lease) = lease {
            jobs::finish(&mut tx, lease).await?;
        }
        let mut links = Vec::new();
        for draft in requests {
            let request = Request {
                id: Uuid::now_v7(),
                case,
                rule: draft.rule.clone(),
                mode: draft.mode,
                steps: draft.steps.clone(),
                state: RequestState::Open,
                links: Vec::new(),
            };
            insert_request(&mut tx, &request, now).await?;
            for approver in &draft.approvers {
                let link = Link::new(Uuid::now_v7(), approver, false, now, expires_at);
                let why = LinkEmail::Request;
                let state = CaseState::AwaitingApproval;
                links.push(insert_link(&mut tx, (&request, &link), state, why, minter).await?);
            }
        }
        let asked: Vec<_> = requests
            .iter()
            .map(|r| json!({ "rule": r.rule, "mode": r.mode, "steps": r.steps, "approvers": r.approvers }))
            .collect();
        audit::append(
            &mut tx,
            Some(case),
            "engine",
            "approval_requested",
            json!({ "requests": asked }),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(links)
    }

    async fn link(&self, token_hash: &str) -> Result<Option<LinkView>, StoreError> {
        view(
            &mut *self.pool().acquire().await?,
            "l.token_hash = $1",
            token_hash.to_owned(),
        )
        .await
    }

    async fn links_of(&self, case: CaseId) -> Result<Vec<LinkView>, StoreError> {
        views(
            &mut *self.pool().acquire().await?,
            "r.case_id = $1",
            case.to_string(),
        )
        .await
    }

    async fn decide(
        &self,
        token_hash: &str,
        decision: Decision,
        reason: Option<String>,
        origin: &DecisionOrigin,
        now: OffsetDateTime,
    ) -> Result<Decided, StoreError> {
        let item = DecisionIn {
            token_hash: token_hash.to_owned(),
            decision,
            reason,
            origin: origin.clone(),
            now,
        };
        self.decisions().decide(self.writer(), item).await
    }

    async fn renew_link(
        &self,
        token_hash: &str,
        minter: &dyn LinkMinter,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Option<LinkView>, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        let Some((mut request, old, case_state)) = request_of(&mut tx, token_hash).await? else {
            return Ok(None);
        };
        let renewal = (Uuid::now_v7(), expires_at);
        let Some(fresh) = request.renew(old, case_state, renewal, now).cloned() else {
            return Ok(None);
        };
        supersede(&mut tx, old, now).await?;
        let why = LinkEmail::FreshLink;
        let new = insert_link(&mut tx, (&request, &fresh), case_state, why, minter).await?;
        let data = json!({ "request": request.id, "approver": new.approver, "replaces": old, "link": new.link_id });
        audit::append(
            &mut tx,
            Some(request.case),
            Actor::approver(&new.approver).as_str(),
            "approval_link_renewed",
            data,
            now,
        )
        .await?;
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
        let mut tx = audit::begin_write(self.writer()).await?;
        // `views` binds its value as text: cast it, or SQLite compares an integer with text
        // (always "less", so every link is due at every tick) and Postgres has no such operator.
        let filter = format!(
            "{OPEN} AND l.expires_at > {} AND l.reminders < {max_reminders}
             AND COALESCE(l.reminded_at, l.created_at) <= CAST($1 AS BIGINT)",
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
            mail_link(
                &mut tx,
                link,
                LinkEmail::Reminder(u32::try_from(count).unwrap_or(u32::MAX)),
                minter,
                now,
            )
            .await?;
            let data =
                json!({ "request": link.request_id, "approver": link.approver, "reminder": count });
            audit::append(
                &mut tx,
                Some(link.case_id),
                "engine",
                "approval_reminded",
                data,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(due.len())
    }

    async fn escalate(
        &self,
        opened_before: OffsetDateTime,
        targets: &[EmailAddress],
        minter: &dyn LinkMinter,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        let rows = sqlx::query(
            "SELECT r.request_id, r.case_id, r.rule, r.mode, r.steps, r.state, c.email, c.state AS case_state
             FROM approval_request r JOIN offboarding_case c ON c.case_id = r.case_id
             WHERE r.state = 'open' AND r.escalated_at IS NULL AND r.created_at <= $1
               AND c.state NOT IN ('completed', 'cancelled')",
        )
        .bind(ms(opened_before))
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let request = request_from_row(row, "state")?;
            let case_state: String = row.try_get("case_state")?;
            let case_state = case_state.parse().map_err(StoreError::Corrupt)?;
            let leaver: String = row.try_get("email")?;
            let leaver = EmailAddress::parse(&leaver).map_err(StoreError::Corrupt)?;
            sqlx::query("UPDATE approval_request SET escalated_at = $1 WHERE request_id = $2")
                .bind(ms(now))
                .bind(request.id.to_string())
                .execute(&mut *tx)
                .await?;
            let mut asked = Vec::new();
            for target in escalation_targets(targets, &leaver) {
                let link = Link::new(Uuid::now_v7(), target.as_str(), true, now, expires_at);
                let why = LinkEmail::Escalation;
                insert_link(&mut tx, (&request, &link), case_state, why, minter).await?;
                asked.push(link.approver);
            }
            audit::append(
                &mut tx,
                Some(request.case),
                "engine",
                "approval_escalated",
                json!({ "request": request.id, "asked": asked }),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }
}
