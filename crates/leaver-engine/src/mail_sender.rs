//! Sending the outbox: claim due emails, render each from its case and link as they are now
//! ([`approval_email`]), send, mark; then the operators' notices, gathered into one email
//! ([`operator_digest`]). A transient failure (SMTP, the database) puts the email back with a
//! backoff; a permanent one gives up on it, recorded.

mod approval_email;
mod operator_digest;

use crate::ApprovalMail;
use leaver_mail::Email;
use leaver_store::mail::outbox::QueuedEmail;
use leaver_store::{Store, StoreError};
use std::time::Duration;
use time::OffsetDateTime;

/// How long a claimed email is held by one sender.
const LEASE: Duration = Duration::from_secs(120);

impl ApprovalMail {
    /// Sends up to `limit` due emails, then the operators' notices if their window is over.
    /// Returns how many emails were sent.
    pub async fn send_due(
        &self,
        store: &dyn Store,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let mut sent = 0;
        for queued in store.claim_emails(LEASE, limit, now).await? {
            let failure = match self.render(store, &queued).await {
                Ok(email) => match self.mailer.send(&email).await {
                    Ok(()) => None,
                    Err(error) => Some((error.to_string(), error.is_transient())),
                },
                Err(error) => Some((error.to_string(), is_transient(&error))),
            };
            match failure {
                None => {
                    unless_lease_lost(store.email_sent(&queued, now).await)?;
                    sent += 1;
                }
                Some((error, transient)) => {
                    let retry_at = transient.then(|| now + backoff(queued.attempts));
                    let kind = queued.why.kind();
                    tracing::warn!(%error, kind, retry = retry_at.is_some(), "sending an email failed");
                    let failed = store.email_failed(&queued, &error, retry_at, now).await;
                    unless_lease_lost(failed)?;
                }
            }
        }
        Ok(sent + self.send_notices(store, LEASE, now).await?)
    }

    /// The email `queued` stands for, from its case and link as they are now.
    async fn render(&self, store: &dyn Store, queued: &QueuedEmail) -> Result<Email, StoreError> {
        let case = store.case(queued.case_id).await?;
        let link = store
            .links_of(queued.case_id)
            .await?
            .into_iter()
            .find(|l| l.link_id == queued.link_id)
            .ok_or_else(|| StoreError::Corrupt(format!("no approval link {}", queued.link_id)))?;
        let held: Vec<String> = store
            .held_fingerprints(queued.case_id)
            .await?
            .into_iter()
            .filter(|t| t.outcome.is_none())
            .map(|t| t.fingerprint)
            .collect();
        let mut email = approval_email::render(&self.minter, &case, &link, &held, queued.why);
        email.to.clone_from(&queued.recipient);
        Ok(email)
    }
}

/// Whether a failure to read what an email needs may pass (the database was away), rather than
/// last (the case or link does not read back).
fn is_transient(error: &StoreError) -> bool {
    !matches!(
        error,
        StoreError::Corrupt(_) | StoreError::CaseNotFound(_) | StoreError::Domain(_)
    )
}

/// A sender that outlived its lease leaves the email to the one that has claimed it since, and
/// goes on with the rest of its batch.
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
