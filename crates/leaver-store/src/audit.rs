//! Appending to and reading the audit chain.

use crate::rows::ms;
use crate::{AuditReport, StoreError};
use leaver_core::CaseId;
use leaver_core::audit::{AuditRecord, verify_chain};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, AssertSqlSafe, Row, Transaction};
use time::OffsetDateTime;

/// Starts a write transaction by locking the chain head. Taking this lock first orders every
/// writer the same way (no deadlocks on Postgres) and, on SQLite, takes the write lock before
/// anything is read, so a read-then-write transaction never meets a stale snapshot.
pub(crate) async fn begin_write(pool: &AnyPool) -> Result<Transaction<'static, Any>, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE audit_head SET id = id WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Appends one record inside the caller's transaction (opened with [`begin_write`]).
pub(crate) async fn append(
    tx: &mut Transaction<'static, Any>,
    case: Option<CaseId>,
    actor: &str,
    kind: &str,
    data: Value,
    now: OffsetDateTime,
) -> Result<AuditRecord, StoreError> {
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    let prev_seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let record = AuditRecord::chained(
        &prev_hash,
        prev_seq + 1,
        ms(now),
        case.map(|c| c.to_string()),
        actor.to_owned(),
        kind.to_owned(),
        data,
    );
    sqlx::query(
        "INSERT INTO audit_event (seq, case_id, at, actor, kind, data, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(record.seq)
    .bind(record.case_id.clone())
    .bind(record.at_ms)
    .bind(record.actor.clone())
    .bind(record.kind.clone())
    .bind(record.data.to_string())
    .bind(record.prev_hash.clone())
    .bind(record.hash.clone())
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(record.seq)
        .bind(record.hash.clone())
        .execute(&mut **tx)
        .await?;
    Ok(record)
}

fn record_from_row(row: &AnyRow) -> Result<AuditRecord, StoreError> {
    let data: String = row.try_get("data")?;
    Ok(AuditRecord {
        seq: row.try_get("seq")?,
        at_ms: row.try_get("at")?,
        case_id: row.try_get("case_id")?,
        actor: row.try_get("actor")?,
        kind: row.try_get("kind")?,
        // A record whose data is no longer JSON was edited: keep it as a string so the hash check
        // reports it instead of the read failing.
        data: serde_json::from_str(&data).unwrap_or(Value::String(data)),
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// Records oldest first, all or one case's.
pub(crate) async fn events(
    pool: &AnyPool,
    case: Option<CaseId>,
) -> Result<Vec<AuditRecord>, StoreError> {
    let columns = "seq, case_id, at, actor, kind, data, prev_hash, hash";
    let rows = match case {
        Some(case) => {
            sqlx::query(AssertSqlSafe(format!(
                "SELECT {columns} FROM audit_event WHERE case_id = $1 ORDER BY seq"
            )))
            .bind(case.to_string())
            .fetch_all(pool)
            .await?
        }
        None => {
            sqlx::query(AssertSqlSafe(format!(
                "SELECT {columns} FROM audit_event ORDER BY seq"
            )))
            .fetch_all(pool)
            .await?
        }
    };
    rows.iter().map(record_from_row).collect()
}

/// Checks the whole chain against itself and the head.
pub(crate) async fn verify(pool: &AnyPool) -> Result<AuditReport, StoreError> {
    let records = events(pool, None).await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    Ok(match verify_chain(&records, Some((head_seq, &head_hash))) {
        Ok(count) => AuditReport {
            records: count,
            broken: None,
        },
        Err(broken) => AuditReport {
            records: records.len() as i64,
            broken: Some(broken),
        },
    })
}
