//! Whole-org reads of the Hub kept once (`footprint_read`), and the passes that name them
//! (`footprint_pass`): a `verify` that read a hundred orgs and a thousand gated repos names, in
//! its case's evidence, one pass by its digest instead of listing every read (or every repo)
//! again for each case. A pass lists each org's read by id and digest, and is kept once for
//! every case that rested on the same reads. The engine hands both over as a batch's facts
//! ([`crate::BatchWrite::FootprintPass`]); evidence exports fetch them back by id
//! ([`crate::ReportStore::footprint_passes`], [`crate::ReportStore::footprint_reads`]) and check
//! each against its digest.

use crate::StoreError;
use crate::cases::rows::{from_ms, ms};
use crate::write_path::multi_row::{self, Marks};
use serde::{Deserialize, Serialize};
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

/// The reads one `verify` rested on, one per managed org, named by the SHA-256 of their list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FootprintPass {
    /// The SHA-256 of `entries`, in hex: what a case's evidence names.
    pub id: String,
    /// `[{"org": …, "read": …, "sha256": …}, …]` as JSON text, kept byte for byte.
    pub entries: String,
}

/// One org of a pass: its read by id, and the SHA-256 of that read's snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassEntry {
    pub org: String,
    pub read: String,
    pub sha256: String,
}

impl FootprintPass {
    /// The pass of `entries`, in their order.
    pub fn new(entries: &[PassEntry]) -> FootprintPass {
        let entries = serde_json::to_string(entries).unwrap_or_default();
        FootprintPass {
            id: digest(&entries),
            entries,
        }
    }

    /// Whether the kept text still has the digest it is named by.
    pub fn intact(&self) -> bool {
        digest(&self.entries) == self.id
    }

    /// The orgs and reads the pass lists.
    pub fn entries(&self) -> Result<Vec<PassEntry>, StoreError> {
        serde_json::from_str(&self.entries)
            .map_err(|e| StoreError::Corrupt(format!("footprint pass {}: {e}", self.id)))
    }
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

/// Keeps `passes` (each id once; one kept already stays as it was: its id is its digest).
pub(crate) async fn keep_passes(
    tx: &mut Transaction<'static, Any>,
    passes: &[FootprintPass],
) -> Result<(), StoreError> {
    let mut seen = HashSet::new();
    let fresh: Vec<&FootprintPass> = passes.iter().filter(|p| seen.insert(&p.id)).collect();
    for chunk in fresh.chunks(multi_row::rows_per_statement(2)) {
        let sql = format!(
            "INSERT INTO footprint_pass (pass_id, entries) VALUES {} \
             ON CONFLICT (pass_id) DO NOTHING",
            Marks::of(tx).values(chunk.len(), 2)
        );
        let mut insert = sqlx::query(AssertSqlSafe(sql));
        for pass in chunk {
            insert = insert.bind(pass.id.clone()).bind(pass.entries.clone());
        }
        insert.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The kept passes among `ids`, in no particular order.
pub(crate) async fn fetch_passes(
    pool: &AnyPool,
    ids: &[String],
) -> Result<Vec<FootprintPass>, StoreError> {
    let mut conn = pool.acquire().await?;
    let mut passes = Vec::new();
    for chunk in ids.chunks(multi_row::rows_per_statement(1)) {
        let sql = format!(
            "SELECT pass_id, entries FROM footprint_pass WHERE pass_id IN ({})",
            Marks::of(&conn).list(chunk.len())
        );
        let mut select = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            select = select.bind(id.clone());
        }
        for row in select.fetch_all(&mut *conn).await? {
            passes.push(FootprintPass {
                id: row.try_get("pass_id")?,
                entries: row.try_get("entries")?,
            });
        }
    }
    Ok(passes)
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
