//! What operators are to be told (a case needs attention, a step failed for good, an approver
//! said no, a rule has nobody to ask), queued in the transaction of the event that raised it:
//! the core's `NotifyOperator` effects come here rather than to the job queue. The mail worker
//! gathers the pending ones into one email, under a lease ([`LeaseQueue`]) like the email outbox.

use crate::cases::rows::{from_ms, ms};
use crate::jobs::lease_queue::{Lease, LeaseQueue, Stamps};
use crate::write_path::multi_row::{self, Marks};
use crate::{SqlStore, Store, StoreError};
use async_trait::async_trait;
use leaver_core::CaseId;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// A notice claimed for sending.
#[derive(Clone, Debug)]
pub struct QueuedNotice {
    pub notice_id: Uuid,
    /// The claim's token: only its holder may mark the notice sent or failed.
    pub claim: Uuid,
    pub case_id: CaseId,
    /// What the operators are told, in one line.
    pub reason: String,
    pub created_at: OffsetDateTime,
    pub attempts: u32,
}

/// Operator notices, stored.
#[async_trait]
pub trait OperatorNotices: Send + Sync + std::fmt::Debug {
    /// When the oldest notice not sent yet (nor given up on) was raised.
    async fn oldest_pending_notice(&self) -> Result<Option<OffsetDateTime>, StoreError>;
    /// Claims up to `limit` notices due, oldest first.
    async fn claim_notices(
        &self,
        lease_for: Duration,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<QueuedNotice>, StoreError>;
    /// Marks claimed notices sent; `retry_at` puts them back instead, and `failed` (with no
    /// `retry_at`) gives up on them. Those another sender claimed since are left to it.
    async fn notices_done(
        &self,
        notices: &[QueuedNotice],
        outcome: NoticeOutcome<'_>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
}

/// What came of sending claimed notices.
#[derive(Clone, Copy, Debug)]
pub enum NoticeOutcome<'a> {
    Sent,
    /// Try again at `retry_at`, or (`None`) give up; `error` says why.
    Failed {
        error: &'a str,
        retry_at: Option<OffsetDateTime>,
    },
}

/// Queues a notice per `(case, reason)` inside the caller's transaction.
pub(crate) async fn queue(
    tx: &mut Transaction<'static, Any>,
    notices: &[(CaseId, String)],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    for chunk in notices.chunks(multi_row::rows_per_statement(5)) {
        let sql = format!(
            "INSERT INTO operator_notice (notice_id, case_id, reason, created_at, next_attempt_at)
             VALUES {}",
            Marks::of(tx).values(chunk.len(), 5)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (case, reason) in chunk {
            query = query
                .bind(Uuid::now_v7().to_string())
                .bind(case.to_string())
                .bind(reason.clone())
                .bind(ms(now))
                .bind(ms(now));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The notices as a lease queue, kept once sent or given up on.
const QUEUE: LeaseQueue = LeaseQueue {
    table: "operator_notice",
    key: "notice_id",
    due: "next_attempt_at",
    stamps: Some(Stamps {
        finished: "sent_at",
        given_up: "failed_at",
    }),
};

#[async_trait]
impl OperatorNotices for SqlStore {
    async fn oldest_pending_notice(&self) -> Result<Option<OffsetDateTime>, StoreError> {
        let row = sqlx::query(
            "SELECT MIN(created_at) AS oldest FROM operator_notice
             WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(self.pool())
        .await?;
        row.try_get::<Option<i64>, _>("oldest")?
            .map(from_ms)
            .transpose()
    }

    async fn claim_notices(
        &self,
        lease_for: Duration,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<QueuedNotice>, StoreError> {
        let columns = "notice_id, case_id, reason, created_at, attempts";
        let conn = &mut *self.writer().acquire().await?;
        let (claim, rows) = QUEUE
            .claim(conn, self.dialect(), lease_for, limit, now, columns)
            .await?;
        let mut notices: Vec<QueuedNotice> = rows
            .iter()
            .map(|row| notice_from_row(row, claim))
            .collect::<Result<_, _>>()?;
        notices.sort_by_key(|n| (n.created_at, n.notice_id));
        Ok(notices)
    }

    async fn notices_done(
        &self,
        notices: &[QueuedNotice],
        outcome: NoticeOutcome<'_>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let conn = &mut *self.writer().acquire().await?;
        for notice in notices {
            let lease = Lease {
                id: notice.notice_id,
                token: notice.claim,
            };
            let done = match outcome {
                NoticeOutcome::Sent => QUEUE.stamp_finished(conn, &lease, now).await,
                NoticeOutcome::Failed {
                    error,
                    retry_at: Some(at),
                } => QUEUE.retry(conn, &lease, at, error).await,
                NoticeOutcome::Failed {
                    error,
                    retry_at: None,
                } => QUEUE.give_up(conn, &lease, error, now).await,
            };
            match done {
                Err(StoreError::LeaseLost(_)) => {
                    tracing::info!(notice = %notice.notice_id, "another sender holds the notice now");
                }
                other => other?,
            }
        }
        Ok(())
    }
}

fn notice_from_row(row: &AnyRow, claim: Uuid) -> Result<QueuedNotice, StoreError> {
    let uuid = |column: &str| -> Result<Uuid, StoreError> {
        let raw: String = row.try_get(column)?;
        raw.parse()
            .map_err(|e| StoreError::Corrupt(format!("operator_notice.{column}: {e}")))
    };
    let attempts: i64 = row.try_get("attempts")?;
    Ok(QueuedNotice {
        notice_id: uuid("notice_id")?,
        claim,
        case_id: CaseId(uuid("case_id")?),
        reason: row.try_get("reason")?,
        created_at: from_ms(row.try_get("created_at")?)?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
    })
}
