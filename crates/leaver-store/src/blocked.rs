//! Cases whose plan is blocked (no successor for a last admin, a leaver found nowhere...): they
//! need attention with no step of theirs failed or rejected, so the dashboard lists them by
//! their reason.

use crate::cases::rows::from_ms;
use crate::{SqlStore, StoreError};
use leaver_core::CaseId;
use sqlx::Row;
use time::OffsetDateTime;

/// A blocked case, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockedCase {
    pub case_id: CaseId,
    pub external_id: String,
    pub hub_username: String,
    pub reason: String,
    /// When the case last changed.
    pub since: OffsetDateTime,
}

/// Up to `limit` open blocked cases, the longest waiting first.
pub(crate) async fn blocked_cases(
    store: &SqlStore,
    limit: u32,
) -> Result<Vec<BlockedCase>, StoreError> {
    let rows = sqlx::query(
        "SELECT case_id, external_id, hub_username, blocked_reason, updated_at
         FROM offboarding_case
         WHERE state NOT IN ('completed', 'cancelled') AND blocked_reason IS NOT NULL
         ORDER BY updated_at, case_id LIMIT $1",
    )
    .bind(i64::from(limit))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let case_id: String = row.try_get("case_id")?;
            Ok(BlockedCase {
                case_id: case_id
                    .parse()
                    .map_err(|e| StoreError::Corrupt(format!("case_id {case_id}: {e}")))?,
                external_id: row.try_get("external_id")?,
                hub_username: crate::cases::rows::hub_username_shown(row)?,
                reason: row.try_get("blocked_reason")?,
                since: from_ms(row.try_get("updated_at")?)?,
            })
        })
        .collect()
}
