//! The case: one offboarding of one person, with its steps.

use crate::{CaseId, CaseState, EmailAddress, ExternalId, HubUsername, Step, Ticket};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The person who leaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub email: EmailAddress,
    pub name: Option<String>,
    /// `None` while the case awaits it (see [`crate::awaiting_username`]).
    pub hub_username: Option<HubUsername>,
}

impl Person {
    /// The Hub username as shown to people: the name, or words saying it is not known yet.
    pub fn hub_username_text(&self) -> &str {
        self.hub_username.as_ref().map_or(
            crate::awaiting_username::UNKNOWN_HUB_USERNAME,
            HubUsername::as_str,
        )
    }
}

/// One offboarding case. Its JSON form is the one the REST API and `--json` print.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    pub external_id: ExternalId,
    pub state: CaseState,
    pub person: Person,
    pub manager_email: EmailAddress,
    /// Who becomes admin where the leaver is the last one (from the ticket or an approver).
    pub successor: Option<HubUsername>,
    /// Nothing touches the Hub before this time.
    #[serde(with = "time::serde::rfc3339::option")]
    pub effective_at: Option<OffsetDateTime>,
    pub reason: Option<String>,
    /// An operator said "run now": `effective_at` no longer holds the steps back.
    pub run_now: bool,
    /// Why the plan cannot run as it is (no successor named, Leaver's token is the leaver's...).
    pub blocked_reason: Option<String>,
    /// Who checked Tokens Management for the leaver, and when (see [`crate::tokens_ack`]).
    #[serde(default)]
    pub tokens_ack: Option<crate::tokens_ack::TokensAck>,
    /// The steps in the order they were planned (kind order, then target).
    pub steps: Vec<Step>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Case {
    /// A new case in `planning`, straight from a checked ticket; in `needs_attention` when the
    /// ticket does not name the Hub username (see [`crate::awaiting_username`]).
    pub fn open(id: CaseId, ticket: &Ticket, now: OffsetDateTime) -> Case {
        let awaiting = ticket.hub_username.is_none();
        Case {
            id,
            external_id: ticket.external_id.clone(),
            state: if awaiting {
                CaseState::NeedsAttention
            } else {
                CaseState::Planning
            },
            person: Person {
                email: ticket.email.clone(),
                name: ticket.name.clone(),
                hub_username: ticket.hub_username.clone(),
            },
            manager_email: ticket.manager_email.clone(),
            successor: ticket.successor.clone(),
            effective_at: ticket.effective_at,
            reason: ticket.reason.clone(),
            run_now: false,
            blocked_reason: awaiting
                .then(|| crate::awaiting_username::AWAITING_HUB_USERNAME.to_owned()),
            tokens_ack: None,
            steps: Vec::new(),
            created_at: now,
            updated_at: now,
        }
    }

    /// The step with this id.
    pub fn step(&self, id: crate::StepId) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// The first step that began writing to the Hub, if one did: from then on the ticket and
    /// the plan are settled.
    pub fn first_write(&self) -> Option<&Step> {
        self.steps
            .iter()
            .find(|s| s.kind.writes_to_hub() && s.attempts > 0)
    }

    /// Whether the plan may be made afresh, dropping the steps: nothing planned yet, or a
    /// blocked plan nobody was asked about.
    pub fn can_plan_afresh(&self) -> bool {
        !self.state.is_closed()
            && (self.steps.is_empty() || self.blocked_reason.is_some())
            && self
                .steps
                .iter()
                .all(|s| s.state == crate::StepState::Planned)
    }

    /// When steps may start: `effective_at` unless the operator said run now.
    pub fn not_before(&self, now: OffsetDateTime) -> OffsetDateTime {
        match self.effective_at {
            Some(at) if !self.run_now && at > now => at,
            _ => now,
        }
    }
}
