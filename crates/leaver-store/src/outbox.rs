//! The email outbox: emails are queued in the transaction that causes them and sent later by
//! a worker, under a lease (a [`LeaseQueue`]), with retries; an SMTP outage delays mail and
//! loses none.

use crate::approvals::OutgoingEmail;
use crate::lease_queue::{Lease, LeaseQueue, Stamps};
use crate::rows::ms;
use crate::{SqlStore, Store, StoreError};
use async_trait::async_trait;
use leaver_core::CaseId;
use sqlx::{Any, Row, Transaction};
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// A queued email, claimed for sending.
#[derive(Clone, Debug)]
pub struct QueuedEmail {
    pub email_id: Uuid,
    /// The claim's token: only its holder may mark the email sent or failed.
    pub claim: Uuid,
    /// The approval link whose secret replaces the placeholder, if any.
    pub link_id: Option<Uuid>,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: String,
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

/// Queues `email` inside the caller's transaction.
pub(crate) async fn queue(
    tx: &mut Transaction<'static, Any>,
    case: Option<CaseId>,
    link_id: Option<Uuid>,
    email: &OutgoingEmail,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO email_outbox (email_id, case_id, link_id, kind, recipient, subject, text_body, html_body,
             created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(case.map(|c| c.to_string()))
    .bind(link_id.map(|l| l.to_string()))
    .bind(email.kind.clone())
    .bind(email.recipient.clone())
    .bind(email.subject.clone())
    .bind(email.text.clone())
    .bind(email.html.clone())
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
        let columns = "email_id, link_id, kind, recipient, subject, text_body, html_body, attempts";
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
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("email_id")?;
                let link: Option<String> = row.try_get("link_id")?;
                let attempts: i64 = row.try_get("attempts")?;
                let corrupt = |e: uuid::Error| StoreError::Corrupt(format!("email_outbox: {e}"));
                Ok(QueuedEmail {
                    email_id: id.parse().map_err(corrupt)?,
                    claim,
                    link_id: link.map(|l| l.parse()).transpose().map_err(corrupt)?,
                    kind: row.try_get("kind")?,
                    recipient: row.try_get("recipient")?,
                    subject: row.try_get("subject")?,
                    text: row.try_get("text_body")?,
                    html: row.try_get("html_body")?,
                    attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                })
            })
            .collect()
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
