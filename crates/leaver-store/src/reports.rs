//! Read-only summaries for the dashboard, `/metrics`, paging and evidence exports: counts by
//! state, the steps a human should look at, and slices of the audit trail. (The email outbox's
//! depth is `MailOutbox::unsent_emails`.)

use crate::audit::mark::{self as audit_mark, ChainCheck};
use crate::audit::{COLUMNS as AUDIT_COLUMNS, record_from_row};
pub use crate::blocked::BlockedCase;
use crate::cases::rows::{from_ms, ms};
use crate::{CaseFilter, SqlStore, StoreError};
use async_trait::async_trait;
use leaver_core::audit::AuditRecord;
use leaver_core::{CaseId, CaseState, StepKind, StepState};
use sqlx::{AssertSqlSafe, Row};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// How many steps of one kind are in one state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepCount {
    pub kind: StepKind,
    pub state: StepState,
    pub count: i64,
}

/// A step with enough of its case to link to it and say since when it waits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRef {
    pub case_id: CaseId,
    pub external_id: String,
    pub hub_username: String,
    pub kind: StepKind,
    pub target: String,
    pub state: StepState,
    pub error: Option<String>,
    /// The step's note: for a rejected step, the approver's reason.
    pub note: Option<String>,
    /// When the step last changed (so: since when it is in `state`).
    pub since: OffsetDateTime,
}

/// One approver's open link: who must decide on which case, since when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingApproval {
    pub case_id: CaseId,
    pub external_id: String,
    pub hub_username: String,
    /// The policy rule that asked (`manager`, `security`).
    pub rule: String,
    pub approver: String,
    /// When the request was opened.
    pub since: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// Summaries over the store. Implemented by [`SqlStore`].
#[async_trait]
pub trait ReportStore: Send + Sync + std::fmt::Debug {
    /// The whole-org reads kept under `ids` (those kept; in no particular order).
    async fn footprint_reads(
        &self,
        ids: &[String],
    ) -> Result<Vec<crate::FootprintRead>, StoreError>;

    /// The passes kept under `ids` (those kept; in no particular order).
    async fn footprint_passes(
        &self,
        ids: &[String],
    ) -> Result<Vec<crate::FootprintPass>, StoreError>;

    /// How many cases are in each state (every state present, zero included).
    async fn case_counts(&self) -> Result<BTreeMap<CaseState, i64>, StoreError>;

    /// How many steps of each kind are in each state (only non-zero pairs).
    async fn step_counts(&self) -> Result<Vec<StepCount>, StoreError>;

    /// How many cases `filter` matches, ignoring its limit and offset.
    async fn count_cases(&self, filter: &CaseFilter) -> Result<i64, StoreError>;

    /// Steps in any of `states` of cases that are not closed, the longest waiting first.
    async fn steps_in_states(
        &self,
        states: &[StepState],
        limit: u32,
    ) -> Result<Vec<StepRef>, StoreError>;

    /// Cases that need attention because their plan is blocked (`blocked_reason`), the longest
    /// waiting first.
    async fn blocked_cases(&self, limit: u32) -> Result<Vec<BlockedCase>, StoreError>;

    /// Open approval requests' undecided links, the longest waiting first.
    async fn waiting_approvals(&self, limit: u32) -> Result<Vec<WaitingApproval>, StoreError>;

    /// The newest `limit` audit records, newest first.
    async fn recent_audit(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError>;

    /// Audit records with `from <= at < to`, oldest first.
    async fn audit_between(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<AuditRecord>, StoreError>;

    /// Up to `limit` cases with audit records in `from <= at < to`, in id order, after `after`:
    /// a period's cases a page at a time.
    async fn cases_touched_between(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        after: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<CaseId>, StoreError>;

    /// The audit records of `cases` with `from <= at < to`, case by case, oldest first.
    async fn audit_of_cases(
        &self,
        cases: &[CaseId],
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<AuditRecord>, StoreError>;

    /// Checks the audit chain from the verified-up-to mark on, and moves the mark to the last
    /// record found intact (see [`crate::audit::mark`]): what pages and exports show, at the cost
    /// of what is new. [`crate::Store::verify_audit`] reads the whole chain.
    async fn verify_audit_since_mark(&self, now: OffsetDateTime) -> Result<ChainCheck, StoreError>;

    /// Moves the mark back to the first record, so that the next check reads the whole chain:
    /// for when a full check found a break the mark had already passed.
    async fn reset_audit_mark(&self, now: OffsetDateTime) -> Result<(), StoreError>;
}

fn parse<T: std::str::FromStr<Err = String>>(raw: &str) -> Result<T, StoreError> {
    raw.parse().map_err(StoreError::Corrupt)
}

#[async_trait]
impl ReportStore for SqlStore {
    async fn footprint_reads(
        &self,
        ids: &[String],
    ) -> Result<Vec<crate::FootprintRead>, StoreError> {
        crate::footprint_reads::fetch(self.pool(), ids).await
    }

    async fn footprint_passes(
        &self,
        ids: &[String],
    ) -> Result<Vec<crate::FootprintPass>, StoreError> {
        crate::footprint_reads::fetch_passes(self.pool(), ids).await
    }

    async fn case_counts(&self) -> Result<BTreeMap<CaseState, i64>, StoreError> {
        let mut counts: BTreeMap<CaseState, i64> = CaseState::ALL.iter().map(|s| (*s, 0)).collect();
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM offboarding_case GROUP BY state")
            .fetch_all(self.pool())
            .await?;
        for row in rows {
            let state: String = row.try_get("state")?;
            counts.insert(parse(&state)?, row.try_get("n")?);
        }
        Ok(counts)
    }

    async fn step_counts(&self) -> Result<Vec<StepCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, state, COUNT(*) AS n FROM step GROUP BY kind, state ORDER BY kind, state",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let (kind, state): (String, String) = (row.try_get("kind")?, row.try_get("state")?);
                Ok(StepCount {
                    kind: parse(&kind)?,
                    state: parse(&state)?,
                    count: row.try_get("n")?,
                })
            })
            .collect()
    }

    async fn count_cases(&self, filter: &CaseFilter) -> Result<i64, StoreError> {
        // The same conditions as `Store::list_cases`.
        let search = filter
            .search
            .as_ref()
            .map(|s| format!("%{}%", s.to_lowercase()));
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM offboarding_case
             WHERE ($1 IS NULL OR state = $1)
               AND ($2 IS NULL OR lower(external_id) LIKE $2 OR lower(email) LIKE $2 OR lower(hub_username) LIKE $2)",
        )
        .bind(filter.state.map(|s| s.as_str()))
        .bind(search)
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("n")?)
    }

    async fn steps_in_states(
        &self,
        states: &[StepState],
        limit: u32,
    ) -> Result<Vec<StepRef>, StoreError> {
        if states.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (0..states.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT s.case_id AS case_id, c.external_id AS external_id, c.hub_username AS hub_username,
                    s.kind AS kind, s.target AS target, s.state AS state, s.error AS error,
                    s.note AS note, s.updated_at AS since
             FROM step s JOIN offboarding_case c ON c.case_id = s.case_id
             WHERE c.state NOT IN ('completed', 'cancelled') AND s.state IN ({})
               AND NOT (s.state = 'failed' AND s.next_retry_at IS NOT NULL)
             ORDER BY s.updated_at, s.case_id, s.position LIMIT $1",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(i64::from(limit));
        for state in states {
            query = query.bind(state.as_str());
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| {
                let case_id: String = row.try_get("case_id")?;
                let (kind, state): (String, String) = (row.try_get("kind")?, row.try_get("state")?);
                Ok(StepRef {
                    case_id: case_id
                        .parse()
                        .map_err(|e| StoreError::Corrupt(format!("case_id {case_id}: {e}")))?,
                    external_id: row.try_get("external_id")?,
                    hub_username: crate::cases::rows::hub_username_shown(row)?,
                    kind: parse(&kind)?,
                    target: row.try_get("target")?,
                    state: parse(&state)?,
                    error: row.try_get("error")?,
                    note: row.try_get("note")?,
                    since: from_ms(row.try_get("since")?)?,
                })
            })
            .collect()
    }

    async fn blocked_cases(&self, limit: u32) -> Result<Vec<BlockedCase>, StoreError> {
        crate::blocked::blocked_cases(self, limit).await
    }

    async fn waiting_approvals(&self, limit: u32) -> Result<Vec<WaitingApproval>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.case_id AS case_id, c.external_id AS external_id, c.hub_username AS hub_username,
                    r.rule AS rule, l.approver AS approver, r.created_at AS since, l.expires_at AS expires_at
             FROM approval_request r
             JOIN offboarding_case c ON c.case_id = r.case_id
             JOIN approval_link l ON l.request_id = r.request_id
             WHERE r.state = 'open' AND l.decided_at IS NULL AND l.superseded_at IS NULL
             ORDER BY r.created_at, r.case_id, l.approver LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let case_id: String = row.try_get("case_id")?;
                Ok(WaitingApproval {
                    case_id: case_id
                        .parse()
                        .map_err(|e| StoreError::Corrupt(format!("case_id {case_id}: {e}")))?,
                    external_id: row.try_get("external_id")?,
                    hub_username: crate::cases::rows::hub_username_shown(row)?,
                    rule: row.try_get("rule")?,
                    approver: row.try_get("approver")?,
                    since: from_ms(row.try_get("since")?)?,
                    expires_at: from_ms(row.try_get("expires_at")?)?,
                })
            })
            .collect()
    }

    async fn recent_audit(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_event ORDER BY seq DESC LIMIT $1"
        )))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(record_from_row).collect()
    }

    async fn audit_between(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_event WHERE at >= $1 AND at < $2 ORDER BY seq"
        )))
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(record_from_row).collect()
    }

    async fn cases_touched_between(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        after: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<CaseId>, StoreError> {
        // Walks the cases in id order and asks each for a record in the period (through the
        // (case_id, seq) index): every page costs its own cases, whatever the period holds.
        let rows = sqlx::query(
            "SELECT c.case_id AS case_id FROM offboarding_case c
             WHERE c.case_id > $1
               AND EXISTS (SELECT 1 FROM audit_event a
                           WHERE a.case_id = c.case_id AND a.at >= $2 AND a.at < $3)
             ORDER BY c.case_id LIMIT $4",
        )
        .bind(after.map(|id| id.to_string()).unwrap_or_default())
        .bind(ms(from))
        .bind(ms(to))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("case_id")?;
                id.parse()
                    .map_err(|e| StoreError::Corrupt(format!("case_id {id}: {e}")))
            })
            .collect()
    }

    async fn audit_of_cases(
        &self,
        cases: &[CaseId],
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        if cases.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (0..cases.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_event
             WHERE at >= $1 AND at < $2 AND case_id IN ({})
             ORDER BY case_id, seq",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(ms(from)).bind(ms(to));
        for case in cases {
            query = query.bind(case.to_string());
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(record_from_row).collect()
    }

    async fn verify_audit_since_mark(&self, now: OffsetDateTime) -> Result<ChainCheck, StoreError> {
        audit_mark::check_from_mark(self, now).await
    }

    async fn reset_audit_mark(&self, now: OffsetDateTime) -> Result<(), StoreError> {
        audit_mark::reset(self, now).await
    }
}
