//! Telling the operators: the notices pending (a case needs attention, a step failed for good,
//! an approver said no) go out together, in one email to every address of
//! `LEAVER_OPERATOR_EMAIL`, once the oldest has waited the digest window
//! (`LEAVER_OPERATOR_DIGEST_SECS`). A burst of cases needing attention is one email; a notice on
//! its own arrives one window after it was raised. Each notice links to its case's page.

use crate::ApprovalMail;
use leaver_core::{Case, CaseId};
use leaver_mail::{Email, MailError, NoticeLine, OperatorDigest, OperatorNotice, RenderEmail};
use leaver_store::mail::operator_notices::{NoticeOutcome, QueuedNotice};
use leaver_store::{Store, StoreError};
use std::collections::HashMap;
use std::time::Duration;
use time::OffsetDateTime;

/// At most this many notices go in one email.
const MOST: u32 = 500;

impl ApprovalMail {
    /// Sends the pending notices in one email if the oldest has waited the window. Returns how
    /// many emails were sent (0 or 1).
    pub(super) async fn send_notices(
        &self,
        store: &dyn Store,
        lease: Duration,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let window = self.settings.operator_digest;
        match store.oldest_pending_notice().await? {
            Some(oldest) if oldest + window <= now => {}
            _ => return Ok(0),
        }
        let notices = store.claim_notices(lease, MOST, now).await?;
        if notices.is_empty() {
            return Ok(0);
        }
        if self.settings.operators.is_empty() {
            let outcome = NoticeOutcome::Failed {
                error: "nobody to tell: LEAVER_OPERATOR_EMAIL is not set",
                retry_at: None,
            };
            store.notices_done(&notices, outcome, now).await?;
            return Ok(0);
        }
        let email = self.digest(store, &notices).await?;
        match self.mailer.send(&email).await {
            Ok(()) => {
                store
                    .notices_done(&notices, NoticeOutcome::Sent, now)
                    .await?;
                Ok(1)
            }
            Err(error) => {
                self.notices_failed(store, &notices, &error, now).await?;
                Ok(0)
            }
        }
    }

    /// One email for `notices`: the notice itself when there is one, a digest of them else.
    async fn digest(
        &self,
        store: &dyn Store,
        notices: &[QueuedNotice],
    ) -> Result<Email, StoreError> {
        let to = self
            .settings
            .operators
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let mut ids: Vec<CaseId> = notices.iter().map(|n| n.case_id).collect();
        ids.sort_unstable_by_key(ToString::to_string);
        ids.dedup();
        let cases: HashMap<CaseId, Case> = store
            .cases(&ids)
            .await?
            .into_iter()
            .filter_map(|(id, case)| Some((id, case.ok()?)))
            .collect();
        let line = |notice: &QueuedNotice| NoticeLine {
            case_url: self.minter.case_page(notice.case_id),
            leaver: cases.get(&notice.case_id).map_or_else(
                || format!("case {}", notice.case_id),
                |c| format!("{} (Hub user {})", leaver(c), c.person.hub_username_text()),
            ),
            headline: notice.reason.clone(),
        };
        let lines: Vec<NoticeLine> = notices.iter().map(line).collect();
        let rendered = match lines.as_slice() {
            [one] => OperatorNotice {
                to: to.clone(),
                case_url: one.case_url.clone(),
                leaver: one.leaver.clone(),
                headline: one.headline.clone(),
                details: Vec::new(),
            }
            .render(),
            _ => OperatorDigest {
                to: to.clone(),
                notices: lines.clone(),
                cases_url: self.minter.cases_needing_attention(),
            }
            .render(),
        };
        Ok(rendered.unwrap_or_else(|error| {
            tracing::error!(%error, "rendering the operators' email failed; sending a plain one");
            let text: Vec<String> = lines
                .iter()
                .map(|l| format!("{}: {}", l.headline, l.case_url))
                .collect();
            Email {
                to,
                subject: "Leaver needs you".into(),
                html: text.join("\n"),
                text: text.join("\n"),
            }
        }))
    }

    /// Puts the notices back after a transient failure, or gives up on them.
    async fn notices_failed(
        &self,
        store: &dyn Store,
        notices: &[QueuedNotice],
        error: &MailError,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let attempts = notices.iter().map(|n| n.attempts).max().unwrap_or(1);
        let retry_at = error.is_transient().then(|| now + super::backoff(attempts));
        tracing::warn!(%error, notices = notices.len(), retry = retry_at.is_some(), "telling the operators failed");
        let error = error.to_string();
        let outcome = NoticeOutcome::Failed {
            error: &error,
            retry_at,
        };
        store.notices_done(notices, outcome, now).await
    }
}

/// The person leaving as operators know them: `Bob B <bob@acme.test>` or the address.
fn leaver(case: &Case) -> String {
    match &case.person.name {
        Some(name) => format!("{name} <{}>", case.person.email),
        None => case.person.email.to_string(),
    }
}
