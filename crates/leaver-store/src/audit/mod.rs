//! Appending to and reading the audit chain.

pub mod mark;

use crate::cases::rows::ms;
use crate::write_path::multi_row::{self, Marks};
use crate::{AuditReport, StoreError};
use leaver_core::CaseId;
use leaver_core::audit::{AuditRecord, ChainWalk};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, AssertSqlSafe, Row, Transaction};
use time::OffsetDateTime;

/// Starts a write transaction by locking the chain head. Taking this lock first orders every
/// writer the same way (no deadlocks on Postgres) and, on SQLite, takes the write lock before
/// anything is read, so a read-then-write transaction never meets a stale snapshot. A hook
/// event's claim waiting in this task ([`crate::hooks::claiming`]) is made in it first.
pub(crate) async fn begin_write(pool: &AnyPool) -> Result<Transaction<'static, Any>, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE audit_head SET id = id WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    crate::hooks::claim_waiting(&mut tx).await?;
    Ok(tx)
}

/// Appends one record and commits `tx`: a write that stands only with its audit record.
pub(crate) async fn commit_audited(
    mut tx: Transaction<'static, Any>,
    case: Option<CaseId>,
    actor: &str,
    kind: &str,
    data: Value,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    append(&mut tx, case, actor, kind, data, now).await?;
    tx.commit().await?;
    Ok(())
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
    let entry = Entry {
        case,
        kind: kind.to_owned(),
        data,
    };
    let mut records = append_many(tx, actor, vec![entry], now).await?;
    records
        .pop()
        .ok_or_else(|| StoreError::Corrupt("no audit record was appended".into()))
}

/// One record to append: the case it is about, its kind and its data.
#[derive(Debug)]
pub(crate) struct Entry {
    pub case: Option<CaseId>,
    pub kind: String,
    pub data: Value,
}

/// Appends records in order inside the caller's transaction (opened with [`begin_write`]): the
/// head is read once, the chain is computed in memory, the records go in with multi-row inserts
/// and the head is moved once.
pub(crate) async fn append_many(
    tx: &mut Transaction<'static, Any>,
    actor: &str,
    entries: Vec<Entry>,
    now: OffsetDateTime,
) -> Result<Vec<AuditRecord>, StoreError> {
    let entries = entries
        .into_iter()
        .map(|entry| (actor.to_owned(), now, entry))
        .collect();
    append_each(tx, entries).await
}

/// [`append_many`] for records that each have their own actor and time (a batch of decisions
/// by several approvers).
pub(crate) async fn append_each(
    tx: &mut Transaction<'static, Any>,
    entries: Vec<(String, OffsetDateTime, Entry)>,
) -> Result<Vec<AuditRecord>, StoreError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    let mut seq: i64 = head.try_get("seq")?;
    let mut hash: String = head.try_get("hash")?;
    let mut records = Vec::with_capacity(entries.len());
    for (actor, at, entry) in entries {
        seq += 1;
        let record = AuditRecord::chained(
            &hash,
            seq,
            ms(at),
            entry.case.map(|c| c.to_string()),
            actor,
            entry.kind,
            entry.data,
        );
        hash.clone_from(&record.hash);
        records.push(record);
    }
    for chunk in records.chunks(multi_row::rows_per_statement(8)) {
        insert_records(tx, chunk).await?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(hash)
        .execute(&mut **tx)
        .await?;
    Ok(records)
}

async fn insert_records(
    tx: &mut Transaction<'static, Any>,
    records: &[AuditRecord],
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO audit_event (seq, case_id, at, actor, kind, data, prev_hash, hash) VALUES {}",
        Marks::of(tx).values(records.len(), 8)
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for record in records {
        query = query
            .bind(record.seq)
            .bind(record.case_id.clone())
            .bind(record.at_ms)
            .bind(record.actor.clone())
            .bind(record.kind.clone())
            .bind(record.data.to_string())
            .bind(record.prev_hash.clone())
            .bind(record.hash.clone());
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

pub(crate) fn record_from_row(row: &AnyRow) -> Result<AuditRecord, StoreError> {
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

/// The columns [`record_from_row`] reads.
pub(crate) const COLUMNS: &str = "seq, case_id, at, actor, kind, data, prev_hash, hash";

/// Records oldest first, all or one case's.
pub(crate) async fn events(
    pool: &AnyPool,
    case: Option<CaseId>,
) -> Result<Vec<AuditRecord>, StoreError> {
    let columns = COLUMNS;
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

/// Records read per query while walking the chain: a walk holds one page at a time, however
/// long the chain is.
const WALK_PAGE: i64 = 1_000;

/// Checks the whole chain, from the first record, against itself and the head.
pub(crate) async fn verify(pool: &AnyPool) -> Result<AuditReport, StoreError> {
    Ok(walk(pool, ChainWalk::from_genesis()).await?.0)
}

/// Walks the records after `walk`'s last one up to the head, a page at a time, and checks them
/// and the head. Returns the report and where the walk stopped (the last record found intact).
///
/// The head is read first and the walk stops at its `seq`: records appended meanwhile (with
/// their head, in one transaction) are left for the next check, not mistaken for a mismatch.
pub(crate) async fn walk(
    pool: &AnyPool,
    mut walk: ChainWalk,
) -> Result<(AuditReport, ChainWalk), StoreError> {
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    let report = |broken| AuditReport {
        records: head_seq,
        broken,
    };
    loop {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit_event WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3"
        )))
        .bind(walk.last().0)
        .bind(head_seq)
        .bind(WALK_PAGE)
        .fetch_all(pool)
        .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            if let Err(broken) = walk.check(&record_from_row(row)?) {
                return Ok((report(Some(broken)), walk));
            }
        }
    }
    let broken = walk.finish(Some((head_seq, &head_hash))).err();
    Ok((report(broken), walk))
}
