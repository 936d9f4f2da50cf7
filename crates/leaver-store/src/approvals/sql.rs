//! [`ApprovalStore`] for [`SqlStore`]. Every change runs in one write transaction with its
//! audit record, its queued emails and, when a decision settles a request, the case's
//! `approved`/`rejected` event. Decisions are written in batches (see
//! [`crate::approvals::group_commit`]).

use crate::approvals::batch::{DecisionIn, refusal};
use crate::approvals::rows::{Minting, enum_text, insert_link, mail_link, view, views};
use crate::approvals::{
    ApprovalStore, Decided, DecisionOrigin, LinkEmail, LinkMinter, LinkView, NewRequest,
};
use crate::rows::ms;
use crate::{Lease, SqlStore, StoreError, audit, jobs};
use async_trait::async_trait;
use leaver_core::approval::Decision;
use leaver_core::{CaseId, EmailAddress};
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
        let minting = Minting {
            minter,
            expires_at,
            now,
        };
        let mut links = Vec::new();
        for request in requests {
            let request_id = Uuid::now_v7();
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
                links.push(
                    insert_link(
                        &mut tx,
                        request_id,
                        approver,
                        (false, LinkEmail::Request),
                        &minting,
                    )
                    .await?,
                );
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
        let minting = Minting {
            minter,
            expires_at,
            now,
        };
        let new = insert_link(
            &mut tx,
            old.request_id,
            &old.approver,
            (old.escalation, LinkEmail::FreshLink),
            &minting,
        )
        .await?;
        let data = json!({ "request": old.request_id, "approver": old.approver, "replaces": old.link_id, "link": new.link_id });
        audit::append(
            &mut tx,
            Some(old.case_id),
            &format!("approver:{}", old.approver),
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
        targets: &[String],
        minter: &dyn LinkMinter,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        let rows = sqlx::query(
            "SELECT r.request_id, r.case_id, c.email FROM approval_request r JOIN offboarding_case c ON c.case_id = r.case_id
             WHERE r.state = 'open' AND r.escalated_at IS NULL AND r.created_at <= $1
               AND c.state NOT IN ('completed', 'cancelled')",
        )
        .bind(ms(opened_before))
        .fetch_all(&mut *tx)
        .await?;
        let minting = Minting {
            minter,
            expires_at,
            now,
        };
        for row in &rows {
            let request_id: String = row.try_get("request_id")?;
            let leaver: String = row.try_get("email")?;
            sqlx::query("UPDATE approval_request SET escalated_at = $1 WHERE request_id = $2")
                .bind(ms(now))
                .bind(request_id.clone())
                .execute(&mut *tx)
                .await?;
            let request: Uuid = request_id
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("request_id: {e}")))?;
            let mut asked = Vec::new();
            let is_leaver =
                |target: &String| match (EmailAddress::parse(target), EmailAddress::parse(&leaver))
                {
                    (Ok(target), Ok(leaver)) => target.same_mailbox(&leaver),
                    _ => target.eq_ignore_ascii_case(&leaver),
                };
            for target in targets.iter().filter(|t| !is_leaver(t)) {
                let link = insert_link(
                    &mut tx,
                    request,
                    target,
                    (true, LinkEmail::Escalation),
                    &minting,
                )
                .await?;
                asked.push(link.approver);
            }
            let case: String = row.try_get("case_id")?;
            let case = case
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("case_id: {e}")))?;
            audit::append(
                &mut tx,
                Some(case),
                "engine",
                "approval_escalated",
                json!({ "request": request, "asked": asked }),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }
}
