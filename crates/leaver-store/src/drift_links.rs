//! Drift: a completed case whose leaver holds something again, and the follow-up case opened
//! to take it away, linked both ways (`drift_link`). Opening the follow-up writes, in one
//! transaction, the case and its planning job (as opening any case does), the link,
//! `drift_detected` on the original case, `drift_follow_up` on the follow-up and an operator
//! notice: a crash leaves all of it or none.

use crate::cases::rows::{from_ms, ms};
use crate::mail::operator_notices;
use crate::{Actor, SqlStore, StoreError, audit, cases, jobs};
use async_trait::async_trait;
use leaver_core::{Case, CaseId, CaseState, Ticket};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

/// The audit record kind on the original case.
pub const DRIFT_DETECTED: &str = "drift_detected";
/// The audit record kind on the follow-up case, naming the original.
pub const DRIFT_FOLLOW_UP: &str = "drift_follow_up";

/// One drift: what came back to `original`'s leaver, and the case taking it away.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DriftLink {
    pub original: CaseId,
    pub follow_up: CaseId,
    /// What came back, in words (`grant on model:acme-ai/x came back after it was taken away`).
    pub found: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub detected_at: OffsetDateTime,
}

#[async_trait]
pub trait DriftLinks: Send + Sync {
    /// Opens the follow-up case `drift.follow_up` for `ticket` and records `drift` with its
    /// audit records on both cases and a notice to the operators. `false`, and nothing
    /// written, when `ticket`'s external id is taken (another sweep opened it).
    async fn open_follow_up(
        &self,
        ticket: &Ticket,
        drift: &DriftLink,
        actor: &Actor,
    ) -> Result<bool, StoreError>;

    /// The completed cases last changed at or after `since` (those the drift watch looks
    /// after), with their steps; a case that does not decode is logged and left out.
    async fn completed_since(&self, since: OffsetDateTime) -> Result<Vec<Case>, StoreError>;

    /// The drift linked to `case`, as original or as follow-up, newest first.
    async fn drift_of(&self, case: CaseId) -> Result<Vec<DriftLink>, StoreError>;

    /// The most recent drift, newest first.
    async fn recent_drift(&self, limit: u32) -> Result<Vec<DriftLink>, StoreError>;

    /// How much drift was ever detected.
    async fn drift_count(&self) -> Result<i64, StoreError>;
}

const COLUMNS: &str = "original_case, follow_up_case, found, detected_at";

#[async_trait]
impl DriftLinks for SqlStore {
    async fn open_follow_up(
        &self,
        ticket: &Ticket,
        drift: &DriftLink,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        let found =
            serde_json::to_string(&drift.found).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = drift.detected_at;
        let case = Case::open(drift.follow_up, ticket, now);
        let mut tx = audit::begin_write(self.writer()).await?;
        if !cases::insert(&mut tx, &case, &cases::ticket_hash(ticket)).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        jobs::enqueue(&mut tx, case.id, &case.opening_effects(), now).await?;
        let opened = json!({ "ticket": ticket, "state": case.state });
        audit::append(
            &mut tx,
            Some(case.id),
            actor.as_str(),
            "case_opened",
            opened,
            now,
        )
        .await?;
        sqlx::query(
            "INSERT INTO drift_link (original_case, follow_up_case, found, detected_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(drift.original.to_string())
        .bind(drift.follow_up.to_string())
        .bind(found)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let (original, follow_up) = (Some(drift.original), Some(drift.follow_up));
        let detected = json!({ "found": drift.found, "follow_up": drift.follow_up });
        audit::append(
            &mut tx,
            original,
            actor.as_str(),
            DRIFT_DETECTED,
            detected,
            now,
        )
        .await?;
        let linked = json!({ "original": drift.original, "found": drift.found });
        audit::append(
            &mut tx,
            follow_up,
            actor.as_str(),
            DRIFT_FOLLOW_UP,
            linked,
            now,
        )
        .await?;
        let reason = format!(
            "access came back after the case completed ({}); a follow-up case takes it away",
            drift.found.join("; ")
        );
        operator_notices::queue(&mut tx, &[(drift.original, reason)], now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn completed_since(&self, since: OffsetDateTime) -> Result<Vec<Case>, StoreError> {
        let rows = sqlx::query(
            "SELECT case_id FROM offboarding_case WHERE state = $1 AND updated_at >= $2",
        )
        .bind(CaseState::Completed.as_str())
        .bind(ms(since))
        .fetch_all(self.pool())
        .await?;
        let ids: Vec<CaseId> = rows
            .iter()
            .map(|row| case_id(row, "case_id"))
            .collect::<Result<_, _>>()?;
        let mut conn = self.pool().acquire().await?;
        Ok(cases::load_readable(&mut conn, &ids)
            .await?
            .into_values()
            .collect())
    }

    async fn drift_of(&self, case: CaseId) -> Result<Vec<DriftLink>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM drift_link WHERE original_case = $1 OR follow_up_case = $2
             ORDER BY detected_at DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(case.to_string())
            .bind(case.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(link_from_row).collect()
    }

    async fn recent_drift(&self, limit: u32) -> Result<Vec<DriftLink>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM drift_link ORDER BY detected_at DESC LIMIT $1");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(link_from_row).collect()
    }

    async fn drift_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM drift_link")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }
}

fn case_id(row: &AnyRow, column: &str) -> Result<CaseId, StoreError> {
    let raw: String = row.try_get(column)?;
    raw.parse()
        .map_err(|_| StoreError::Corrupt(format!("{column} {raw:?} is not a case id")))
}

fn link_from_row(row: &AnyRow) -> Result<DriftLink, StoreError> {
    let case = |column: &str| case_id(row, column);
    let found: String = row.try_get("found")?;
    Ok(DriftLink {
        original: case("original_case")?,
        follow_up: case("follow_up_case")?,
        found: serde_json::from_str(&found)
            .map_err(|e| StoreError::Corrupt(format!("drift_link.found: {e}")))?,
        detected_at: from_ms(row.try_get("detected_at")?)?,
    })
}
