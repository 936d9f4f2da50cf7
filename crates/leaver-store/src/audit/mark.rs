//! The verified-up-to mark (table `audit_verified`): the last audit record a check read and
//! found intact. Pages and exports check the chain from the mark on and move it forward, so each
//! costs the records appended since the last check, not the whole chain (seconds at 300,000
//! records). [`crate::Store::verify_audit`] (`leaver audit verify`) ignores the mark and walks
//! from the first record.
//!
//! Why pages may trust the mark: it only ever moves to a record that a walk has just checked,
//! and every record after it must point, hash by hash, back to the hash the mark holds; so any
//! record appended, edited or deleted after it is still found. What it takes on trust is that
//! the records up to it were not edited after they were checked: such an edit, made by hand in
//! the database, changes no hash a page reads. The full walk finds it, and resets the mark (see
//! [`reset`]) so that the pages report the break too; run `leaver audit verify` on a schedule.
//! Whoever can edit audit rows can also move the mark, so the mark protects nothing the rows
//! themselves would not: it only saves re-reading them.

use crate::audit;
use crate::cases::rows::ms;
use crate::{AuditReport, SqlStore, StoreError};
use leaver_core::audit::{ChainWalk, GENESIS_HASH};
use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;

/// What a check from the mark found.
#[derive(Clone, Debug, Serialize)]
pub struct ChainCheck {
    /// The records the chain holds, and the first broken link among those read.
    #[serde(flatten)]
    pub report: AuditReport,
    /// Records up to this one were found intact by an earlier check and not read again (0: the
    /// whole chain was read).
    pub checked_before: i64,
}

/// Checks the records after the mark (and the head), then moves the mark to the last record
/// found intact.
pub(crate) async fn check_from_mark(
    store: &SqlStore,
    now: OffsetDateTime,
) -> Result<ChainCheck, StoreError> {
    let mark = sqlx::query("SELECT seq, hash FROM audit_verified WHERE id = 1")
        .fetch_one(store.pool())
        .await?;
    let (seq, hash): (i64, String) = (mark.try_get("seq")?, mark.try_get("hash")?);
    let (report, walked) = audit::walk(store.pool(), ChainWalk::after(seq, &hash)).await?;
    let (last_seq, last_hash) = walked.last();
    if last_seq > seq {
        // Only from where this walk started: a reset by a full check meanwhile stands.
        sqlx::query(
            "UPDATE audit_verified SET seq = $1, hash = $2, verified_at = $3
             WHERE id = 1 AND seq = $4 AND hash = $5",
        )
        .bind(last_seq)
        .bind(last_hash)
        .bind(ms(now))
        .bind(seq)
        .bind(hash)
        .execute(store.writer())
        .await?;
    }
    Ok(ChainCheck {
        report,
        checked_before: seq,
    })
}

/// Moves the mark back to the genesis: the next check reads the whole chain again. For when a
/// full check found a break before the mark.
pub(crate) async fn reset(store: &SqlStore, now: OffsetDateTime) -> Result<(), StoreError> {
    sqlx::query("UPDATE audit_verified SET seq = 0, hash = $1, verified_at = $2 WHERE id = 1")
        .bind(GENESIS_HASH)
        .bind(ms(now))
        .execute(store.writer())
        .await?;
    Ok(())
}
