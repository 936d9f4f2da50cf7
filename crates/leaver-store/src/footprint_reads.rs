//! Whole-org reads of the Hub kept once (`footprint_read`): a `verify` that read a thousand
//! gated repos names each org's read by id and digest in its case's evidence instead of listing
//! them all again for every case it served. The engine hands them over as a batch's facts
//! ([`crate::BatchWrite::FootprintReads`]); evidence exports fetch them back by id
//! ([`crate::ReportStore::footprint_reads`]) and check each against its digest.

use crate::StoreError;
use crate::cases::rows::{from_ms, ms};
use crate::write_path::multi_row::{self, Marks};
use sha2::{Digest, Sha256};
use sqlx::{Any, AnyPool, AssertSqlSafe, Row, Transaction};
use std::collections::HashSet;
use time::OffsetDateTime;

/// One org as read, by one whole-org read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FootprintRead {
    /// A UUIDv7, minted when the read started.
    pub id: String,
    pub org: String,
    pub started_at: OffsetDateTime,
    /// What was read, as JSON text: its [`digest`] is what evidence names.
    pub snapshot: String,
}

/// The SHA-256 of a snapshot's text, in hex.
pub fn digest(snapshot: &str) -> String {
    hex::encode(Sha256::digest(snapshot.as_bytes()))
}

/// Keeps `reads` (each id once; one kept already stays as it was).
pub(crate) async fn keep(
    tx: &mut Transaction<'static, Any>,
    reads: &[FootprintRead],
) -> Result<(), StoreError> {
    let mut seen = HashSet::new();
    let fresh: Vec<&FootprintRead> = reads.iter().filter(|r| seen.insert(&r.id)).collect();
    for chunk in fresh.chunks(multi_row::rows_per_statement(4)) {
        let sql = format!(
            "INSERT INTO footprint_read (read_id, org, started_at, snapshot) VALUES {} \
             ON CONFLICT (read_id) DO NOTHING",
            Marks::of(tx).values(chunk.len(), 4)
        );
        let mut insert = sqlx::query(AssertSqlSafe(sql));
        for read in chunk {
            insert = insert
                .bind(read.id.clone())
                .bind(read.org.clone())
                .bind(ms(read.started_at))
                .bind(read.snapshot.clone());
        }
        insert.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The kept reads among `ids`, in no particular order.
pub(crate) async fn fetch(
    pool: &AnyPool,
    ids: &[String],
) -> Result<Vec<FootprintRead>, StoreError> {
    let mut conn = pool.acquire().await?;
    let mut reads = Vec::new();
    for chunk in ids.chunks(multi_row::rows_per_statement(1)) {
        let sql = format!(
            "SELECT read_id, org, started_at, snapshot FROM footprint_read WHERE read_id IN ({})",
            Marks::of(&conn).list(chunk.len())
        );
        let mut select = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            select = select.bind(id.clone());
        }
        for row in select.fetch_all(&mut *conn).await? {
            reads.push(FootprintRead {
                id: row.try_get("read_id")?,
                org: row.try_get("org")?,
                started_at: from_ms(row.try_get("started_at")?)?,
                snapshot: row.try_get("snapshot")?,
            });
        }
    }
    Ok(reads)
}
