//! Approvals from the engine's side: opening requests when a plan needs them, and the
//! scheduler's reminders and escalations. Decisions arrive through the web (`/approvals/...`).

use crate::Minter;
use leaver_core::approval::{Policy, requests_for};
use leaver_core::{CaseId, StepId};
use leaver_mail::Mailer;
use leaver_store::approvals::NewRequest;
use leaver_store::{Actor, Lease, Store, StoreError};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// Approval policy and timings.
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
        }
    }
}

/// What the engine needs to run approvals: the policy, link minting, and a mailer.
#[derive(Clone, Debug)]
pub struct ApprovalMail {
    pub settings: ApprovalSettings,
    pub minter: Arc<Minter>,
    pub mailer: Mailer,
}

impl ApprovalMail {
    /// Opens the requests the policy calls for on `steps` of `case`; finishes `lease` with them.
    pub async fn request(
        &self,
        store: &dyn Store,
        case: CaseId,
        steps: &[StepId],
        lease: &Lease,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let case = store.case(case).await?;
        let requests: Vec<NewRequest> = requests_for(&self.settings.policy, &case, steps)
            .into_iter()
            .map(|d| NewRequest {
                rule: d.rule,
                mode: d.mode,
                steps: d.steps,
                approvers: d.approvers.iter().map(ToString::to_string).collect(),
            })
            .collect();
        let expires = now + self.settings.link_lifetime;
        store
            .open_requests(
                case.id,
                &requests,
                self.minter.as_ref(),
                expires,
                Some(lease),
                now,
            )
            .await?;
        for request in requests.iter().filter(|r| r.approvers.is_empty()) {
            nobody_to_ask(store, case.id, &request.rule, now).await?;
        }
        Ok(())
    }

    /// Queues the reminders and escalations due at `now`. Returns (reminders, escalations).
    pub async fn tick(
        &self,
        store: &dyn Store,
        now: OffsetDateTime,
    ) -> Result<(usize, usize), StoreError> {
        let s = &self.settings;
        let reminded = store
            .remind(
                now - s.remind_after,
                s.max_reminders,
                self.minter.as_ref(),
                now,
            )
            .await?;
        let targets = &s.policy.escalate_to;
        let escalated = if targets.is_empty() {
            0
        } else {
            let expires = now + s.link_lifetime;
            store
                .escalate(
                    now - s.escalate_after,
                    targets,
                    self.minter.as_ref(),
                    expires,
                    now,
                )
                .await?
        };
        Ok((reminded, escalated))
    }
}

/// A rule whose only approvers are the person leaving, with no escalation target to fall back
/// on, asks nobody: the request would wait for ever. An operator is told, in the case's trail.
async fn nobody_to_ask(
    store: &dyn Store,
    case: CaseId,
    rule: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    tracing::warn!(case_id = %case, rule, "an approval request has nobody to ask");
    let reason = format!(
        "approval rule {rule:?} has nobody to ask: its only approver is the person leaving and \
         no escalation target is set. Name another approver in the policy, or cancel the case."
    );
    store
        .append_audit(
            Some(case),
            &Actor::engine(),
            "operator_notified",
            serde_json::json!({ "reason": reason, "rule": rule }),
            now,
        )
        .await?;
    Ok(())
}
