//! Approval requests and their one-time links: the port, and the values it speaks in.

mod batch;
pub(crate) mod group_commit;
mod rows;
mod sql;

use crate::{Lease, StoreError};
use async_trait::async_trait;
use leaver_core::approval::{Decision, Link, Mode, Refusal, Request, RequestState};
use leaver_core::{Case, CaseId, CaseState, EmailAddress, StepId};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// An email to queue, already rendered. Its bodies are the minter's: queued as they are, and
/// given back to the minter to put the link's secret in when sent (the store never sees it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why an approval email is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkEmail {
    Request,
    Reminder(u32),
    Escalation,
    FreshLink,
}

/// What the store needs from outside to make links: their secret's hash (the secret is derived
/// from the link id under a server key the store never sees) and their emails.
pub trait LinkMinter: Send + Sync + std::fmt::Debug {
    /// The SHA-256 (hex) of the secret for `link_id`.
    fn token_hash(&self, link_id: Uuid) -> String;
    /// The email for `link` of `case`.
    fn render(&self, case: &Case, link: &LinkView, why: LinkEmail) -> OutgoingEmail;
}

/// A request to open: one rule's steps, its approvers.
#[derive(Clone, Debug)]
pub struct NewRequest {
    pub rule: String,
    pub mode: Mode,
    pub steps: Vec<StepId>,
    pub approvers: Vec<String>,
}

/// One link with its request and case, as the approval page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkView {
    pub link_id: Uuid,
    pub request_id: Uuid,
    pub case_id: CaseId,
    pub rule: String,
    pub mode: Mode,
    pub steps: Vec<StepId>,
    pub request_state: RequestState,
    pub case_state: CaseState,
    pub approver: String,
    pub escalation: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub superseded_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    pub decision: Option<Decision>,
    pub reason: Option<String>,
}

impl LinkView {
    /// How `link` of `request` reads on a case in `case_state`.
    pub fn of(request: &Request, link: &Link, case_state: CaseState) -> LinkView {
        LinkView {
            link_id: link.id,
            request_id: request.id,
            case_id: request.case,
            rule: request.rule.clone(),
            mode: request.mode,
            steps: request.steps.clone(),
            request_state: request.state,
            case_state,
            approver: link.approver.clone(),
            escalation: link.escalation,
            created_at: link.created_at,
            expires_at: link.expires_at,
            superseded_at: link.superseded_at,
            decided_at: link.decided_at,
            decision: link.decision,
            reason: link.reason.clone(),
        }
    }
}

/// Where a decision came from, for the audit trail.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DecisionOrigin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// What came of a decision.
#[derive(Clone, Debug)]
pub enum Decided {
    /// Recorded; `link` shows it, `case_state` is the case's state after it.
    Recorded {
        link: LinkView,
        case_state: CaseState,
    },
    /// The link may not decide (used, expired, replaced, its request settled or its case
    /// closed); nothing changed.
    Refused { refusal: Refusal, link: LinkView },
    /// No such link.
    Unknown,
}

/// Approvals, stored.
#[async_trait]
pub trait ApprovalStore: Send + Sync + std::fmt::Debug {
    /// Opens `requests` on `case` with one link (valid until `expires_at`) and one queued email
    /// per approver, audits it, and finishes `lease`: one transaction.
    async fn open_requests(
        &self,
        case: CaseId,
        requests: &[NewRequest],
        minter: &dyn LinkMinter,
        expires_at: OffsetDateTime,
        lease: Option<&Lease>,
        now: OffsetDateTime,
    ) -> Result<Vec<LinkView>, StoreError>;

    /// The link whose secret hashes to `token_hash`.
    async fn link(&self, token_hash: &str) -> Result<Option<LinkView>, StoreError>;

    /// Every link of a case, oldest first.
    async fn links_of(&self, case: CaseId) -> Result<Vec<LinkView>, StoreError>;

    /// Records one approver's decision; when it settles the request, approves or rejects the
    /// steps on the case in the same transaction.
    async fn decide(
        &self,
        token_hash: &str,
        decision: Decision,
        reason: Option<String>,
        origin: &DecisionOrigin,
        now: OffsetDateTime,
    ) -> Result<Decided, StoreError>;

    /// Replaces an expired, undecided link by a new one for the same approver and request, and
    /// queues its email. `None` if the link is unknown or may not be renewed.
    async fn renew_link(
        &self,
        token_hash: &str,
        minter: &dyn LinkMinter,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Option<LinkView>, StoreError>;

    /// Queues a reminder for every open link last mailed before `quiet_since` (at most
    /// `max_reminders` each). Returns how many.
    async fn remind(
        &self,
        quiet_since: OffsetDateTime,
        max_reminders: u32,
        minter: &dyn LinkMinter,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError>;

    /// Asks `targets` (but never the leaver) on every open request created before
    /// `opened_before` that was not escalated yet. Returns how many requests.
    async fn escalate(
        &self,
        opened_before: OffsetDateTime,
        targets: &[EmailAddress],
        minter: &dyn LinkMinter,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError>;
}

/// The hash under which a link's secret is stored and looked up: SHA-256, hex.
pub fn hash_token(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}
