//! Approvals from the engine's side: the requests a plan needs (the `RequestApproval` job
//! writes them), and the scheduler's reminders and escalations. Decisions arrive through the
//! web (`/approvals/...`); emails are rendered when they are sent ([`crate::mail_sender`]).

use crate::Minter;
use leaver_core::approval::{Policy, escalation_targets, requests_for};
use leaver_core::{Case, EmailAddress, StepId};
use leaver_mail::Mailer;
use leaver_store::approvals::{Escalation, MintedLink, NewRequest};
use leaver_store::{Store, StoreError};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// Approval policy and timings, and who is told when cases need an operator.
#[derive(Clone, Debug)]
pub struct ApprovalSettings {
    pub policy: Policy,
    /// How long a link may be used.
    pub link_lifetime: Duration,
    /// Quiet time before a reminder (and between reminders).
    pub remind_after: Duration,
    pub max_reminders: u32,
    /// Time after which the policy's escalation targets are asked too.
    pub escalate_after: Duration,
    /// How often the scheduler looks for reminders and escalations due.
    pub tick_every: Duration,
    /// Who is told when a case needs an operator (`LEAVER_OPERATOR_EMAIL`); nobody if empty.
    pub operators: Vec<EmailAddress>,
    /// How long the oldest pending notice waits for others before all go out in one email.
    pub operator_digest: Duration,
}

impl Default for ApprovalSettings {
    fn default() -> Self {
        ApprovalSettings {
            policy: Policy::standard(Vec::new(), Vec::new()),
            link_lifetime: Duration::from_secs(72 * 3600),
            remind_after: Duration::from_secs(24 * 3600),
            max_reminders: 3,
            escalate_after: Duration::from_secs(48 * 3600),
            tick_every: Duration::from_secs(60),
            operators: Vec::new(),
            operator_digest: Duration::from_secs(300),
        }
    }
}

/// What the engine needs to run approvals: the policy, link minting (and where links lead), and
/// a mailer.
#[derive(Clone, Debug)]
pub struct ApprovalMail {
    pub settings: ApprovalSettings,
    pub minter: Arc<Minter>,
    pub mailer: Mailer,
}

impl ApprovalMail {
    /// The requests the policy calls for on `steps` of `case`, a freshly minted link for each
    /// approver, valid for the link lifetime from `now`.
    pub fn requests(&self, case: &Case, steps: &[StepId], now: OffsetDateTime) -> Vec<NewRequest> {
        let expires_at = now + self.settings.link_lifetime;
        requests_for(&self.settings.policy, case, steps)
            .into_iter()
            .map(|draft| NewRequest {
                rule: draft.rule,
                mode: draft.mode,
                steps: draft.steps,
                links: self.mint_for(draft.approvers),
                expires_at,
            })
            .collect()
    }

    /// Queues the reminders and escalations due at `now`. Returns (reminders, escalations).
    pub async fn tick(
        &self,
        store: &dyn Store,
        now: OffsetDateTime,
    ) -> Result<(usize, usize), StoreError> {
        let s = &self.settings;
        let reminded = store
            .remind(now - s.remind_after, s.max_reminders, now)
            .await?;
        if s.policy.escalate_to.is_empty() {
            return Ok((reminded, 0));
        }
        let due = store.escalations_due(now - s.escalate_after).await?;
        if due.is_empty() {
            return Ok((reminded, 0));
        }
        let escalations: Vec<Escalation> = due
            .into_iter()
            .map(|due| Escalation {
                request: due.request,
                links: self.mint_for(escalation_targets(&s.policy.escalate_to, &due.leaver)),
                expires_at: now + s.link_lifetime,
            })
            .collect();
        let escalated = store.escalate(&escalations, now).await?;
        Ok((reminded, escalated))
    }

    /// A freshly minted link for each of `approvers`.
    fn mint_for(&self, approvers: Vec<EmailAddress>) -> Vec<(EmailAddress, MintedLink)> {
        approvers
            .into_iter()
            .map(|approver| (approver, self.minter.mint()))
            .collect()
    }
}
