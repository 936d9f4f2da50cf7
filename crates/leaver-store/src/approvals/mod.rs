//! Approval requests and their one-time links: the port, and the values it speaks in. The
//! decisions are the core's (`leaver_core::approval`); the store loads the requests, asks, and
//! saves what changed with the emails to send (what to send, never a rendering) and the audit.

pub(crate) mod ask;
pub(crate) mod batch;
mod hand_over;
mod rows;
mod sql;
pub(crate) mod withdraw;

use crate::Actor;
use crate::StoreError;
use async_trait::async_trait;
use leaver_core::approval::{Ballot, Decision, Link, Mode, Refusal, Request, RequestState};
use leaver_core::{CaseId, CaseState, EmailAddress, Event, StepId, Transition};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// A link to make: its id, and the SHA-256 (hex, see [`hash_token`]) of its secret. The secret
/// is derived from the id under a key the store never sees, again when the link's email is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MintedLink {
    pub id: Uuid,
    pub token_hash: String,
}

/// A request to open on a case: one rule's steps, and a link for each approver it asks (none
/// when nobody may be asked: the operators are told instead).
#[derive(Clone, Debug)]
pub struct NewRequest {
    pub rule: String,
    pub mode: Mode,
    pub steps: Vec<StepId>,
    pub links: Vec<(EmailAddress, MintedLink)>,
    pub expires_at: OffsetDateTime,
}

/// The manager of a case changed: the old manager's open links go to the new one, one fresh
/// link each (`fresh`, valid until `expires_at`).
#[derive(Clone, Debug)]
pub struct HandOver {
    pub from: EmailAddress,
    pub to: EmailAddress,
    pub fresh: Vec<MintedLink>,
    pub expires_at: OffsetDateTime,
}

/// An open request past its escalation delay, not escalated yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueEscalation {
    pub request: Uuid,
    pub case: CaseId,
    /// The person leaving, who is never asked.
    pub leaver: EmailAddress,
}

/// The links an escalation adds to a request, one per target asked.
#[derive(Clone, Debug)]
pub struct Escalation {
    pub request: Uuid,
    pub links: Vec<(EmailAddress, MintedLink)>,
    pub expires_at: OffsetDateTime,
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
    /// Who the request went to instead, when it was handed over (the manager changed).
    pub moved_to: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    pub decision: Option<Decision>,
    pub reason: Option<String>,
    /// With an `approve` decision: the steps this approver rejected on their own (kept).
    pub rejected_steps: Vec<StepId>,
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
            moved_to: link.moved_to.clone(),
            decided_at: link.decided_at,
            decision: link.decision,
            reason: link.reason.clone(),
            rejected_steps: link.rejected_steps.clone(),
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
    /// The link whose secret hashes to `token_hash`.
    async fn link(&self, token_hash: &str) -> Result<Option<LinkView>, StoreError>;

    /// Every link of a case, oldest first.
    async fn links_of(&self, case: CaseId) -> Result<Vec<LinkView>, StoreError>;

    /// Records one approver's decision about their whole request; see
    /// [`ApprovalStore::decide_steps`].
    async fn decide(
        &self,
        token_hash: &str,
        decision: Decision,
        reason: Option<String>,
        origin: &DecisionOrigin,
        now: OffsetDateTime,
    ) -> Result<Decided, StoreError> {
        let ballot = Ballot::from((decision, reason));
        self.decide_steps(token_hash, ballot, origin, now).await
    }

    /// Records one approver's ballot (a whole decision, or an approval with some steps kept);
    /// approves and rejects the steps it decides on the case in the same transaction.
    async fn decide_steps(
        &self,
        token_hash: &str,
        ballot: Ballot,
        origin: &DecisionOrigin,
        now: OffsetDateTime,
    ) -> Result<Decided, StoreError>;

    /// Records HR's changes to a case (`event`, a `ticket_updated`) as `actor` and, with
    /// `hand_over`, gives the old manager's open links to the new one (their emails queued), in
    /// one transaction: a change that fails writes nothing. Too few fresh links is a
    /// [`StoreError::Conflict`] (more links opened meanwhile): read again and retry.
    async fn update_ticket(
        &self,
        case: CaseId,
        event: Event,
        hand_over: Option<HandOver>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError>;

    /// Replaces an expired, undecided link by `fresh` (valid until `expires_at`) for the same
    /// approver and request, and queues its email. `None` if the link is unknown or may not be
    /// renewed.
    async fn renew_link(
        &self,
        token_hash: &str,
        fresh: MintedLink,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Option<LinkView>, StoreError>;

    /// Queues a reminder for every open link last mailed before `quiet_since` (at most
    /// `max_reminders` each). Returns how many.
    async fn remind(
        &self,
        quiet_since: OffsetDateTime,
        max_reminders: u32,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError>;

    /// The open requests of open cases created before `opened_before` and not escalated yet.
    async fn escalations_due(
        &self,
        opened_before: OffsetDateTime,
    ) -> Result<Vec<DueEscalation>, StoreError>;

    /// Adds the escalations' links (and queues their emails), in one transaction. A request
    /// escalated meanwhile (by another replica) is left alone. Returns how many requests were
    /// escalated.
    async fn escalate(
        &self,
        escalations: &[Escalation],
        now: OffsetDateTime,
    ) -> Result<usize, StoreError>;
}

/// The hash under which a link's secret is stored and looked up: SHA-256, hex.
pub fn hash_token(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}
