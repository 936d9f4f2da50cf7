//! [`ApprovalStore`] for [`SqlStore`]. Every change runs in one write transaction with its
//! audit record, its queued emails and, when a decision settles a request, the case's
//! `approved`/`rejected` event. Decisions are written in batches (see
//! [`crate::write_path::group_commit`]); requests are opened with a job's outcome
//! ([`crate::BatchWrite::AskApprovers`], see [`crate::approvals::ask`]).

use crate::approvals::batch::DecisionIn;
use crate::approvals::rows::{insert_link, request_from_row, request_of, supersede, view, views};
use crate::approvals::{
    ApprovalStore, Decided, DecisionOrigin, DueEscalation, Escalation, HandOver, LinkView,
    MintedLink,
};
use crate::cases::rows::ms;
use crate::mail::outbox::{self, LinkEmail};
use crate::{Actor, SqlStore, StoreError, audit};
use async_trait::async_trait;
use leaver_core::approval::Ballot;
use leaver_core::{CaseId, EmailAddress};
use serde_json::json;
use sqlx::Row;
use time::OffsetDateTime;

/// Open links: undecided, not replaced, request open, case open.
const OPEN: &str = "l.decided_at IS NULL AND l.superseded_at IS NULL AND r.state = 'open'
     AND c.state NOT IN ('completed', 'cancelled')";

#[async_trait]
impl ApprovalStore for SqlStore {
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

    async fn decide_steps(
        &self,
        token_hash: &str,
        ballot: Ballot,
        origin: &DecisionOrigin,
        now: OffsetDateTime,
    ) -> Result<Decided, StoreError> {
        let item = DecisionIn {
            token_hash: token_hash.to_owned(),
            decision: ballot.decision,
            kept: ballot.kept,
            reason: ballot.reason,
            origin: origin.clone(),
            now,
        };
        self.decisions().decide(self.writer(), item).await
    }

    async fn update_ticket(
        &self,
        case: CaseId,
        event: leaver_core::Event,
        hand_over: Option<HandOver>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<leaver_core::Transition, StoreError> {
        self.record_ticket_update(case, event, hand_over, actor, now)
            .await
    }

    async fn renew_link(
        &self,
        token_hash: &str,
        fresh: MintedLink,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Option<LinkView>, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        let Some((mut request, old, case_state)) = request_of(&mut tx, token_hash).await? else {
            return Ok(None);
        };
        let Some(new) = request
            .renew(old, case_state, (fresh.id, expires_at), now)
            .cloned()
        else {
            return Ok(None);
        };
        supersede(&mut tx, old, now).await?;
        insert_link(
            &mut tx,
            (&request, &new),
            &fresh.token_hash,
            LinkEmail::FreshLink,
        )
        .await?;
        let data = json!({ "request": request.id, "approver": new.approver, "replaces": old, "link": new.id });
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
        Ok(Some(LinkView::of(&request, &new, case_state)))
    }

    async fn remind(
        &self,
        quiet_since: OffsetDateTime,
        max_reminders: u32,
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
            let why = LinkEmail::Reminder(u32::try_from(count).unwrap_or(u32::MAX));
            let what = (link.case_id, link.link_id);
            outbox::queue(&mut tx, what, &link.approver, why, now).await?;
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

    async fn escalations_due(
        &self,
        opened_before: OffsetDateTime,
    ) -> Result<Vec<DueEscalation>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.request_id, r.case_id, c.email
             FROM approval_request r JOIN offboarding_case c ON c.case_id = r.case_id
             WHERE r.state = 'open' AND r.escalated_at IS NULL AND r.created_at <= $1
               AND c.state NOT IN ('completed', 'cancelled')
             ORDER BY r.created_at, r.request_id",
        )
        .bind(ms(opened_before))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(e.to_string());
                let (request, case, leaver): (String, String, String) = (
                    row.try_get("request_id")?,
                    row.try_get("case_id")?,
                    row.try_get("email")?,
                );
                Ok(DueEscalation {
                    request: request.parse().map_err(|e| corrupt(&e))?,
                    case: case.parse().map_err(|e| corrupt(&e))?,
                    leaver: EmailAddress::parse(&leaver).map_err(|e| corrupt(&e))?,
                })
            })
            .collect()
    }

    async fn escalate(
        &self,
        escalations: &[Escalation],
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        let mut escalated = 0;
        for escalation in escalations {
            // Marked first: a request another replica escalated meanwhile is left alone.
            let row = sqlx::query(
                "UPDATE approval_request SET escalated_at = $1
                 WHERE request_id = $2 AND escalated_at IS NULL AND state = 'open'
                 RETURNING request_id, case_id, rule, mode, steps, withdrawn, state",
            )
            .bind(ms(now))
            .bind(escalation.request.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else { continue };
            let mut request = request_from_row(&row, "state")?;
            let mut asked = Vec::new();
            for (target, minted) in &escalation.links {
                let asking = (minted.id, target.as_str());
                let link = request
                    .ask(asking, true, now, escalation.expires_at)
                    .clone();
                insert_link(
                    &mut tx,
                    (&request, &link),
                    &minted.token_hash,
                    LinkEmail::Escalation,
                )
                .await?;
                asked.push(link.approver);
            }
            let data = json!({ "request": request.id, "asked": asked });
            audit::append(
                &mut tx,
                Some(request.case),
                "engine",
                "approval_escalated",
                data,
                now,
            )
            .await?;
            escalated += 1;
        }
        tx.commit().await?;
        Ok(escalated)
    }
}
