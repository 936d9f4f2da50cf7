//! The steps that wait on the Hub: failing transiently and tried again by the engine (see
//! `Step::failing_since`), for the dashboard's "waiting on the Hub" panel and `/metrics`.

use crate::cases::rows::from_ms;
use crate::{SqlStore, StoreError};
use leaver_core::{CaseId, StepKind, StepState};
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

/// A step failing since `since` and still being retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryingStep {
    pub case_id: CaseId,
    pub external_id: String,
    pub hub_username: String,
    pub kind: StepKind,
    pub target: String,
    /// `failed` (waiting for its next try) or `running` (being tried now).
    pub state: StepState,
    /// The Hub's last error.
    pub error: Option<String>,
    /// The first failure of the run.
    pub since: OffsetDateTime,
    /// When it is tried next (`None` while it runs).
    pub next_retry_at: Option<OffsetDateTime>,
}

/// How many steps wait on the Hub, and since when the one waiting longest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetryingSummary {
    pub count: i64,
    pub oldest_since: Option<OffsetDateTime>,
}

/// Failing but not for good: a failed step with a next try, or one running again, on a case
/// still open.
const RETRYING: &str = "FROM step s JOIN offboarding_case c ON c.case_id = s.case_id
     WHERE s.failing_since IS NOT NULL
       AND ((s.state = 'failed' AND s.next_retry_at IS NOT NULL) OR s.state = 'running')
       AND c.state NOT IN ('completed', 'cancelled')";

impl SqlStore {
    /// The steps waiting on the Hub, longest-failing first, at most `limit`.
    pub async fn retrying_steps(&self, limit: u32) -> Result<Vec<RetryingStep>, StoreError> {
        let sql = format!(
            "SELECT s.case_id AS case_id, c.external_id AS external_id,
                    c.hub_username AS hub_username, s.kind AS kind, s.target AS target,
                    s.state AS state, s.error AS error, s.failing_since AS since,
                    s.next_retry_at AS next_retry_at
             {RETRYING}
             ORDER BY s.failing_since, s.case_id, s.position LIMIT $1"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(retrying_from_row).collect()
    }

    /// How many steps wait on the Hub, and the oldest first failure among them.
    pub async fn retrying_summary(&self) -> Result<RetryingSummary, StoreError> {
        let sql = format!("SELECT COUNT(*) AS n, MIN(s.failing_since) AS oldest {RETRYING}");
        let row = sqlx::query(AssertSqlSafe(sql))
            .fetch_one(self.pool())
            .await?;
        let oldest: Option<i64> = row.try_get("oldest")?;
        Ok(RetryingSummary {
            count: row.try_get("n")?,
            oldest_since: oldest.map(from_ms).transpose()?,
        })
    }
}

fn retrying_from_row(row: &sqlx::any::AnyRow) -> Result<RetryingStep, StoreError> {
    let corrupt = |what: &str, e: String| StoreError::Corrupt(format!("{what}: {e}"));
    let case_id: String = row.try_get("case_id")?;
    let kind: String = row.try_get("kind")?;
    let state: String = row.try_get("state")?;
    let next: Option<i64> = row.try_get("next_retry_at")?;
    Ok(RetryingStep {
        case_id: case_id
            .parse()
            .map_err(|e| corrupt(&format!("case_id {case_id}"), format!("{e}")))?,
        external_id: row.try_get("external_id")?,
        hub_username: crate::cases::rows::hub_username_shown(row)?,
        kind: kind.parse().map_err(|e| corrupt("kind", e))?,
        target: row.try_get("target")?,
        state: state.parse().map_err(|e| corrupt("state", e))?,
        error: row.try_get("error")?,
        since: from_ms(row.try_get("since")?)?,
        next_retry_at: next.map(from_ms).transpose()?,
    })
}
