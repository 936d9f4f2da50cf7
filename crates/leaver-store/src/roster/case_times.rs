//! The case times the dashboard's charts read, without steps: state, effective time, opening
//! and last change of every case; and the usernames with an open case.

use super::time_of;
use crate::{SqlStore, StoreError};
use leaver_core::roster::CaseTimes;
use leaver_core::{CaseId, CaseState};
use sqlx::Row;

pub(super) async fn case_times(store: &SqlStore) -> Result<Vec<CaseTimes>, StoreError> {
    let rows = sqlx::query(
        "SELECT case_id, state, effective_at, created_at, updated_at FROM offboarding_case ORDER BY created_at",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("case_id")?;
            let state: String = row.try_get("state")?;
            let effective: Option<i64> = row.try_get("effective_at")?;
            Ok(CaseTimes {
                id: id
                    .parse::<CaseId>()
                    .map_err(|e| StoreError::Corrupt(format!("case_id {id:?}: {e}")))?,
                state: state
                    .parse::<CaseState>()
                    .map_err(|e| StoreError::Corrupt(format!("state {state:?}: {e}")))?,
                effective_at: effective.map(time_of).transpose()?,
                created_at: time_of(row.try_get("created_at")?)?,
                updated_at: time_of(row.try_get("updated_at")?)?,
            })
        })
        .collect()
}

pub(super) async fn open_usernames(store: &SqlStore) -> Result<Vec<String>, StoreError> {
    let users: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT hub_username FROM offboarding_case WHERE state NOT IN ('completed', 'cancelled')",
    )
    .fetch_all(store.pool())
    .await?;
    Ok(users)
}
