//! Lease queues: tables whose rows workers claim for a while (a lease), carry out, then finish,
//! put back for later or give up on. The engine's jobs and the email outbox are both one, with
//! the same rules:
//!
//! - a claim takes due rows that nobody holds, or whose lease ran out, and stamps them with a
//!   fresh token. On Postgres `FOR UPDATE SKIP LOCKED` lets claimers pass each other; on SQLite
//!   the single writer makes the claiming `UPDATE` exclusive;
//! - every later change to a claimed row names that token. If the lease ran out and another
//!   worker claimed the row since, the change is refused ([`StoreError::LeaseLost`]) and the row
//!   is left to its new holder.

use crate::cases::rows::ms;
use crate::write_path::multi_row::{self, Marks};
use crate::{Dialect, StoreError};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, AssertSqlSafe, Row};
use std::collections::HashSet;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// Proof that a worker holds a claimed row: the row's key and the token its claim wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    pub id: Uuid,
    pub token: Uuid,
}

/// One lease queue: a table with `attempts`, `locked_by`, `locked_until` and `last_error`
/// columns besides the ones named here.
#[derive(Debug)]
pub(crate) struct LeaseQueue {
    pub table: &'static str,
    /// The key column (a UUID as text).
    pub key: &'static str,
    /// When a row is due.
    pub due: &'static str,
    /// Whether finished rows are kept, stamped (emails), rather than deleted (jobs).
    pub stamps: Option<Stamps>,
}

/// The columns a queue that keeps its finished rows stamps with the time; a row with either
/// set has left the queue.
#[derive(Debug)]
pub(crate) struct Stamps {
    pub finished: &'static str,
    pub given_up: &'static str,
}

impl LeaseQueue {
    /// The condition on rows still in the queue (a queue without stamps deletes the others).
    fn in_queue(&self) -> String {
        self.stamps.as_ref().map_or("1 = 1".into(), |s| {
            format!("{} IS NULL AND {} IS NULL", s.finished, s.given_up)
        })
    }

    /// The condition on rows due at `now` (a bound value's mark) that nobody holds.
    fn due_at(&self, now: &str) -> String {
        format!(
            "{} AND {} <= {now} AND (locked_until IS NULL OR locked_until < {now})",
            self.in_queue(),
            self.due
        )
    }

    /// Whether a claim at `now` would find a row: a read, so that idle workers poll without
    /// taking the writer.
    pub(crate) async fn any_due(
        &self,
        pool: &AnyPool,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "SELECT {} FROM {} WHERE {} LIMIT 1",
            self.key,
            self.table,
            self.due_at("$1")
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(ms(now))
            .fetch_optional(pool)
            .await?;
        Ok(row.is_some())
    }

    /// Claims up to `limit` due rows for `lease_for`, oldest due first. Returns the claim's
    /// token and, for each row, `columns` (which should include `attempts`, counting this claim).
    pub(crate) async fn claim(
        &self,
        conn: &mut AnyConnection,
        dialect: Dialect,
        lease_for: Duration,
        limit: u32,
        now: OffsetDateTime,
        columns: &str,
    ) -> Result<(Uuid, Vec<AnyRow>), StoreError> {
        let token = Uuid::new_v4();
        let sql = format!(
            "UPDATE {table} SET locked_by = $1, locked_until = $2, attempts = attempts + 1
             WHERE {key} IN (
                 SELECT {key} FROM {table} WHERE {due_at}
                 ORDER BY {due} LIMIT $4 {skip_locked}
             )
             RETURNING {columns}",
            table = self.table,
            key = self.key,
            due_at = self.due_at("$3"),
            due = self.due,
            skip_locked = dialect.skip_locked(),
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(token.to_string())
            .bind(ms(now + lease_for))
            .bind(ms(now))
            .bind(i64::from(limit))
            .fetch_all(conn)
            .await?;
        Ok((token, rows))
    }

    /// Deletes the held row (a job done), or refuses if the lease was lost.
    pub(crate) async fn delete(
        &self,
        conn: &mut AnyConnection,
        lease: &Lease,
    ) -> Result<(), StoreError> {
        let deleted = self.delete_many(conn, &[lease]).await?;
        held(deleted.contains(&lease.id), lease)
    }

    /// Deletes every row whose lease is still held, a statement per few hundred; returns the
    /// keys deleted. A key missing from the answer had its lease lost.
    pub(crate) async fn delete_many(
        &self,
        conn: &mut AnyConnection,
        leases: &[&Lease],
    ) -> Result<HashSet<Uuid>, StoreError> {
        let mut deleted = HashSet::with_capacity(leases.len());
        for chunk in leases.chunks(multi_row::rows_per_statement(2)) {
            let marks = Marks::of(conn);
            let held: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let (key, token) = (marks.mark(2 * i + 1), marks.mark(2 * i + 2));
                    format!("({} = {key} AND locked_by = {token})", self.key)
                })
                .collect();
            let sql = format!(
                "DELETE FROM {} WHERE {} RETURNING {}",
                self.table,
                held.join(" OR "),
                self.key
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for lease in chunk {
                query = query
                    .bind(lease.id.to_string())
                    .bind(lease.token.to_string());
            }
            for row in query.fetch_all(&mut *conn).await? {
                let key: String = row.try_get(self.key)?;
                let key = key.parse().map_err(|e| {
                    StoreError::Corrupt(format!("{}.{} {key}: {e}", self.table, self.key))
                })?;
                deleted.insert(key);
            }
        }
        Ok(deleted)
    }

    /// Stamps the held row finished and keeps it (an email sent), or refuses if the lease was
    /// lost.
    pub(crate) async fn stamp_finished(
        &self,
        conn: &mut AnyConnection,
        lease: &Lease,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE {} SET {} = $1, locked_until = NULL WHERE {} = $2 AND locked_by = $3",
            self.table,
            self.stamps()?.finished,
            self.key
        );
        let done = sqlx::query(AssertSqlSafe(sql))
            .bind(ms(now))
            .bind(lease.id.to_string())
            .bind(lease.token.to_string())
            .execute(conn)
            .await?;
        held(done.rows_affected() > 0, lease)
    }

    /// Puts the held row back, due at `at`, keeping `error`; refuses if the lease was lost.
    pub(crate) async fn retry(
        &self,
        conn: &mut AnyConnection,
        lease: &Lease,
        at: OffsetDateTime,
        error: &str,
    ) -> Result<(), StoreError> {
        self.release(conn, lease, self.due, ms(at), error).await
    }

    /// Gives up on the held row, keeping `error` (for a queue with stamps); refuses if the
    /// lease was lost.
    pub(crate) async fn give_up(
        &self,
        conn: &mut AnyConnection,
        lease: &Lease,
        error: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let given_up = self.stamps()?.given_up;
        self.release(conn, lease, given_up, ms(now), error).await
    }

    /// The stamps of a queue that keeps its finished rows.
    fn stamps(&self) -> Result<&Stamps, StoreError> {
        self.stamps.as_ref().ok_or_else(|| {
            StoreError::Corrupt(format!("{} rows are deleted, not stamped", self.table))
        })
    }

    /// Sets `column` to `value` and `last_error`, and lets go of the held row.
    async fn release(
        &self,
        conn: &mut AnyConnection,
        lease: &Lease,
        column: &str,
        value: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE {} SET {column} = $1, last_error = $2, locked_by = NULL, locked_until = NULL
             WHERE {} = $3 AND locked_by = $4",
            self.table, self.key
        );
        let done = sqlx::query(AssertSqlSafe(sql))
            .bind(value)
            .bind(error)
            .bind(lease.id.to_string())
            .bind(lease.token.to_string())
            .execute(conn)
            .await?;
        held(done.rows_affected() > 0, lease)
    }

    /// How many rows are still in the queue, claimed or not.
    pub(crate) async fn depth(&self, pool: &AnyPool) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM {} WHERE {}",
            self.table,
            self.in_queue()
        );
        let row = sqlx::query(AssertSqlSafe(sql)).fetch_one(pool).await?;
        Ok(row.try_get("n")?)
    }
}

/// `Ok` if the lease still held its row.
fn held(still_held: bool, lease: &Lease) -> Result<(), StoreError> {
    if still_held {
        Ok(())
    } else {
        Err(StoreError::LeaseLost(lease.id))
    }
}
