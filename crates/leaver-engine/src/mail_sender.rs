//! Sending the outbox: claim due emails, put the link secrets in their slots, send, mark. A
//! transient SMTP failure puts the email back with a backoff; a permanent one gives up on it,
//! recorded.

use crate::ApprovalMail;
use leaver_mail::Email;
use leaver_store::{Store, StoreError};
use std::time::Duration;
use time::OffsetDateTime;

/// How long a claimed email is held by one sender.
const LEASE: Duration = Duration::from_secs(120);

impl ApprovalMail {
    /// Sends up to `limit` due emails. Returns how many were sent.
    pub async fn send_due(
        &self,
        store: &dyn Store,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let mut sent = 0;
        for queued in store.claim_emails(LEASE, limit, now).await? {
            let email = Email {
                to: queued.recipient.clone(),
                subject: queued.subject.clone(),
                text: self.minter.fill(&queued.text, queued.link_id),
                html: self.minter.fill(&queued.html, queued.link_id),
            };
            match self.mailer.send(&email).await {
                Ok(()) => {
                    unless_lease_lost(store.email_sent(&queued, now).await)?;
                    sent += 1;
                }
                Err(error) => {
                    let retry_at = error.is_transient().then(|| now + backoff(queued.attempts));
                    tracing::warn!(%error, kind = %queued.kind, retry = retry_at.is_some(), "sending an email failed");
                    let error = error.to_string();
                    let failed = store.email_failed(&queued, &error, retry_at, now).await;
                    unless_lease_lost(failed)?;
                }
            }
        }
        Ok(sent)
    }
}

/// A sender that outlived its lease leaves the email to the one that has claimed it since.
fn unless_lease_lost(marked: Result<(), StoreError>) -> Result<(), StoreError> {
    match marked {
        Err(StoreError::LeaseLost(email)) => {
            tracing::warn!(%email, "another sender claimed this email after its lease ran out");
            Ok(())
        }
        other => other,
    }
}

/// 5 s, 10 s, 20 s ... up to 10 minutes.
fn backoff(attempts: u32) -> Duration {
    Duration::from_secs(5)
        .saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1)))
        .min(Duration::from_secs(600))
}
