//! The email outbox: emails are queued in the transaction that causes them and sent later by
//! a worker, under a lease (a [`LeaseQueue`]), with retries; an SMTP outage delays mail and
//! loses none. A row holds what to send (which approval email, about which case and link, to
//! whom), never a rendering: the worker renders it when it sends it.

use crate::cases::rows::ms;
use crate::jobs::lease_queue::{Lease, LeaseQueue, Stamps};
use crate::{SqlStore, Store, StoreError};
use async_trait::async_trait;
use leaver_core::CaseId;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// Which email an approval link is sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkEmail {
    /// The request itself.
    Request,
    /// The `n`th reminder of it (1 for the first).
    Reminder(u32),
    /// The request, put to an escalation target.
    Escalation,
    /// A fresh link replacing an expired one.
    FreshLink,
}

impl LinkEmail {
    /// The stored `kind`, and the reminder's number.
    fn columns(self) -> (&'static str, Option<i64>) {
        match self {
            LinkEmail::Request => ("approval_request", None),
            LinkEmail::Reminder(n) => ("approval_reminder", Some(i64::from(n))),
            LinkEmail::Escalation => ("approval_escalation", None),
            LinkEmail::FreshLink => ("approval_fresh_link", None),
        }
    }

    fn from_columns(kind: &str, reminder: Option<i64>) -> Result<LinkEmail, StoreError> {
        Ok(match kind {
            "approval_request" => LinkEmail::Request,
            "approval_reminder" => {
                LinkEmail::Reminder(reminder.and_then(|n| u32::try_from(n).ok()).unwrap_or(1))
            }
            "approval_escalation" => LinkEmail::Escalation,
            "approval_fresh_link" => LinkEmail::FreshLink,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "email_outbox: unknown kind {other:?}"
                )));
            }
        })
    }

    /// The stored `kind`: `approval_request`, `approval_reminder`, ...
    pub fn kind(self) -> &'static str {
        self.columns().0
    }
}

/// A queued email, claimed for sending: what to send.
#[derive(Clone, Debug)]
pub struct QueuedEmail {
    pub email_id: Uuid,
    /// The claim's token: only its holder may mark the email sent or failed.
    pub claim: Uuid,
    pub case_id: CaseId,
    /// The approval link it carries; its secret is derived from this id when it is sent.
    pub link_id: Uuid,
    pub why: LinkEmail,
    pub recipient: String,
    pub attempts: u32,
}

/// The outbox, stored.
#[async_trait]
pub trait MailOutbox: Send + Sync + std::fmt::Debug {
    /// Claims up to `limit` emails due for sending.
    async fn claim_emails(
        &self,
        lease_for: Duration,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<QueuedEmail>, StoreError>;
    /// Marks a claimed email sent. Refused ([`StoreError::LeaseLost`]) if its lease ran out and
    /// another sender has claimed it since.
    async fn email_sent(&self, email: &QueuedEmail, now: OffsetDateTime) -> Result<(), StoreError>;
    /// Puts a claimed email back for `retry_at`, or gives up on it (`None`) after a permanent
    /// error. Refused, as [`MailOutbox::email_sent`] is, once another sender holds it.
    async fn email_failed(
        &self,
        email: &QueuedEmail,
        error: &str,
        retry_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Emails not sent yet (the outbox depth).
    async fn unsent_emails(&self) -> Result<i64, StoreError>;
}

/// Queues the `why` email carrying link `link_id` of `case` to `recipient`, inside the caller's
/// transaction.
pub(crate) async fn queue(
    tx: &mut Transaction<'static, Any>,
    (case, link_id): (CaseId, Uuid),
    recipient: &str,
    why: LinkEmail,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let (kind, reminder) = why.columns();
    sqlx::query(
        "INSERT INTO email_outbox (email_id, case_id, link_id, kind, recipient, reminder, created_at,
             next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(case.to_string())
    .bind(link_id.to_string())
    .bind(kind)
    .bind(recipient)
    .bind(reminder)
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The outbox as a lease queue: a sent email is stamped `sent_at`, one given up on
/// `failed_at`, and both are kept.
const QUEUE: LeaseQueue = LeaseQueue {
    table: "email_outbox",
    key: "email_id",
    due: "next_attempt_at",
    stamps: Some(Stamps {
        finished: "sent_at",
        given_up: "failed_at",
    }),
};

impl QueuedEmail {
    fn lease(&self) -> Lease {
        Lease {
            id: self.email_id,
            token: self.claim,
        }
    }
}

#[async_trait]
impl MailOutbox for SqlStore {
    async fn claim_emails(
        &self,
        lease_for: Duration,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<QueuedEmail>, StoreError> {
        let columns = "email_id, case_id, link_id, kind, reminder, recipient, attempts";
        let (claim, rows) = QUEUE
            .claim(
                &mut *self.writer().acquire().await?,
                self.dialect(),
                lease_for,
                limit,
                now,
                columns,
            )
            .await?;
        rows.iter().map(|row| queued_from_row(row, claim)).collect()
    }

    async fn email_sent(&self, email: &QueuedEmail, now: OffsetDateTime) -> Result<(), StoreError> {
        let conn = &mut *self.writer().acquire().await?;
        QUEUE.stamp_finished(conn, &email.lease(), now).await
    }

    async fn email_failed(
        &self,
        email: &QueuedEmail,
        error: &str,
        retry_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let conn = &mut *self.writer().acquire().await?;
        match retry_at {
            Some(at) => QUEUE.retry(conn, &email.lease(), at, error).await,
            None => QUEUE.give_up(conn, &email.lease(), error, now).await,
        }
    }

    async fn unsent_emails(&self) -> Result<i64, StoreError> {
        QUEUE.depth(self.pool()).await
    }
}

fn queued_from_row(row: &AnyRow, claim: Uuid) -> Result<QueuedEmail, StoreError> {
    let uuid = |column: &str| -> Result<Uuid, StoreError> {
        let raw: String = row.try_get(column)?;
        raw.parse()
            .map_err(|e| StoreError::Corrupt(format!("email_outbox.{column}: {e}")))
    };
    let kind: String = row.try_get("kind")?;
    let attempts: i64 = row.try_get("attempts")?;
    Ok(QueuedEmail {
        email_id: uuid("email_id")?,
        claim,
        case_id: CaseId(uuid("case_id")?),
        link_id: uuid("link_id")?,
        why: LinkEmail::from_columns(&kind, row.try_get("reminder")?)?,
        recipient: row.try_get("recipient")?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
    })
}
