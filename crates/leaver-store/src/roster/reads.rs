//! The orgs as the roster's background refresh last read them (migration 0021): one row with
//! the read (when, and the orgs as leaver-core's `OrgFacts`), whether a refresh was asked for
//! and not done yet, and the last failed read since the last good one. The roster page
//! reconciles against it, so a page request never reads the Hub.

use super::{RosterRead, RosterReadState, time_of};
use crate::cases::rows::ms;
use crate::{SqlStore, StoreError};
use leaver_core::plan::OrgFacts;
use sqlx::Row;
use time::OffsetDateTime;

pub(super) async fn state(store: &SqlStore) -> Result<RosterReadState, StoreError> {
    let row = sqlx::query(
        "SELECT requested_at, read_at, orgs, failed_at, error FROM roster_read WHERE id = 1",
    )
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else {
        return Ok(RosterReadState::default());
    };
    let time = |name: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        row.try_get::<Option<i64>, _>(name)?
            .map(time_of)
            .transpose()
    };
    let last = match (time("read_at")?, row.try_get::<Option<String>, _>("orgs")?) {
        (Some(read_at), Some(orgs)) => {
            let orgs: Vec<OrgFacts> = serde_json::from_str(&orgs)
                .map_err(|e| StoreError::Corrupt(format!("the stored roster read: {e}")))?;
            Some(RosterRead { read_at, orgs })
        }
        _ => None,
    };
    let failure = match (
        time("failed_at")?,
        row.try_get::<Option<String>, _>("error")?,
    ) {
        (Some(at), Some(error)) => Some((at, error)),
        _ => None,
    };
    Ok(RosterReadState {
        last,
        requested_at: time("requested_at")?,
        failure,
    })
}

/// Asks for a refresh at `now`; one asked for earlier and not done yet stays as it is.
pub(super) async fn request(store: &SqlStore, now: OffsetDateTime) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO roster_read (id, requested_at) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE
         SET requested_at = COALESCE(roster_read.requested_at, excluded.requested_at)",
    )
    .bind(ms(now))
    .execute(store.writer())
    .await?;
    Ok(())
}

/// Stores a read begun at `started` that succeeded; a request made before `started` is done.
pub(super) async fn save(
    store: &SqlStore,
    read: &RosterRead,
    started: OffsetDateTime,
) -> Result<(), StoreError> {
    let orgs = serde_json::to_string(&read.orgs)
        .map_err(|e| StoreError::Corrupt(format!("the roster read as JSON: {e}")))?;
    sqlx::query(
        "INSERT INTO roster_read (id, read_at, orgs) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE
         SET read_at = excluded.read_at, orgs = excluded.orgs, failed_at = NULL, error = NULL,
             requested_at = CASE WHEN roster_read.requested_at <= $3 THEN NULL
                                 ELSE roster_read.requested_at END",
    )
    .bind(ms(read.read_at))
    .bind(orgs)
    .bind(ms(started))
    .execute(store.writer())
    .await?;
    Ok(())
}

/// Notes a read begun at `started` that failed at `at` with `error` (the last good read
/// stays); a request made before `started` is done with.
pub(super) async fn failed(
    store: &SqlStore,
    started: OffsetDateTime,
    at: OffsetDateTime,
    error: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO roster_read (id, failed_at, error) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE
         SET failed_at = excluded.failed_at, error = excluded.error,
             requested_at = CASE WHEN roster_read.requested_at <= $3 THEN NULL
                                 ELSE roster_read.requested_at END",
    )
    .bind(ms(at))
    .bind(error)
    .bind(ms(started))
    .execute(store.writer())
    .await?;
    Ok(())
}
