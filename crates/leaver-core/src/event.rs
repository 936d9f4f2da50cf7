//! What can happen to a case: the inputs of [`crate::apply`].

use crate::ticket_update::TicketChange;
use crate::{HubUsername, StepId, StepKind, Strategy, Target};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A step the planner wants, before it exists in the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStep {
    pub id: StepId,
    pub kind: StepKind,
    pub target: Target,
    pub strategy: Strategy,
    /// Whether an approver must say yes before it runs (verification, for one, needs nobody).
    pub needs_approval: bool,
}

/// A step that a fresh read of the leaver's footprint added, and why
/// (`grant on model:acme-ai/x appeared after planning`). With `needs_approval`, it waits for a
/// new approval; without, it runs under the approval already given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedStep {
    #[serde(flatten)]
    pub step: NewStep,
    pub reason: String,
}

/// A step that a fresh read found pointless before it ran, and why
/// (`... holds no access to model:acme-ai/x: access gone before execution`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedStep {
    pub step: StepId,
    pub reason: String,
}

/// Something that happened to a case. Who caused it is recorded in the audit trail, not here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// Discovery and planning produced these steps. With `blocked_reason`, the plan cannot run
    /// as it is (no successor named for a last admin, Leaver's token is the leaver's own): the
    /// case waits for a human and is planned again once the cause is fixed.
    Planned {
        steps: Vec<NewStep>,
        blocked_reason: Option<String>,
    },
    /// An approver (or the policy) approved these steps.
    Approved { steps: Vec<StepId> },
    /// An approver rejected these steps.
    Rejected { steps: Vec<StepId>, reason: String },
    /// An approver (`by`) rejected these steps on their own while approving the rest of their
    /// request: the access is kept, with `reason`, and the case goes on without them.
    Kept {
        steps: Vec<StepId>,
        reason: String,
        by: String,
    },
    /// An approver named the successor admin.
    SuccessorChosen { successor: HubUsername },
    /// A worker began carrying the step out.
    StepStarted { step: StepId },
    /// The Hub shows the step done.
    StepSucceeded { step: StepId, note: Option<String> },
    /// The attempt failed; `retry_at` says when to try again, `None` that a human must decide.
    StepFailed {
        step: StepId,
        error: String,
        #[serde(with = "time::serde::rfc3339::option", default)]
        retry_at: Option<OffsetDateTime>,
    },
    /// The step needs a human in the Hub's UI.
    StepWaitingManual { step: StepId, instructions: String },
    /// An operator says they did the manual step; it is still verified against the Hub.
    ManualDone { step: StepId, note: String },
    /// A fresh read of the leaver's footprint by `step` (the case's `refresh` or `verify`,
    /// running) found the plan out of date: the `added` steps join the case, the `skipped` ones
    /// will not run. The reading step ends: `refresh` succeeds, `verify` waits to read again
    /// after the added steps (a case completes only from a read that found nothing).
    FootprintChanged {
        step: StepId,
        added: Vec<AddedStep>,
        skipped: Vec<SkippedStep>,
    },
    /// A fresh read of the Hub, asked for by an operator before the case's first write, found
    /// the plan out of date: the `added` steps join the case (put to the approvers where they
    /// need it), the `skipped` ones will not run. Approvals already given stand for every step
    /// the read left as it was.
    Replanned {
        added: Vec<AddedStep>,
        skipped: Vec<SkippedStep>,
    },
    /// HR (or an operator) changed the ticket before the case's first Hub write.
    TicketUpdated { changes: Vec<TicketChange> },
    /// An operator decided a step will not run, and why.
    StepSkipped { step: StepId, reason: String },
    /// An operator puts rejected steps to the approvers again.
    Reasked { steps: Vec<StepId> },
    /// An operator asks to try a failed step again.
    RetryRequested { step: StepId },
    /// An operator confirms that a leaver Leaver found in none of the managed orgs holds
    /// nothing there: the blocked plan (tokens, verify) goes ahead. Legal only on such a case
    /// ([`crate::nothing_held::awaits_confirmation`]).
    NothingHeldConfirmed,
    /// Somebody checked Tokens Management for the leaver's tokens ([`crate::tokens_ack`]).
    TokensAcknowledged { by: String },
    /// An operator overrides `effective_at`.
    RunNow,
    /// An operator cancels the case.
    Cancelled { reason: String },
}

impl Event {
    /// The event's snake_case name, as the audit trail records it.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Planned { .. } => "planned",
            Event::Approved { .. } => "approved",
            Event::Rejected { .. } => "rejected",
            Event::Kept { .. } => "kept",
            Event::SuccessorChosen { .. } => "successor_chosen",
            Event::StepStarted { .. } => "step_started",
            Event::StepSucceeded { .. } => "step_succeeded",
            Event::StepFailed { .. } => "step_failed",
            Event::StepWaitingManual { .. } => "step_waiting_manual",
            Event::ManualDone { .. } => "manual_done",
            Event::FootprintChanged { .. } => "footprint_changed",
            Event::Replanned { .. } => "replanned",
            Event::TicketUpdated { .. } => "ticket_updated",
            Event::StepSkipped { .. } => "step_skipped",
            Event::Reasked { .. } => "reasked",
            Event::RetryRequested { .. } => "retry_requested",
            Event::NothingHeldConfirmed => "nothing_held_confirmed",
            Event::TokensAcknowledged { .. } => "tokens_acknowledged",
            Event::RunNow => "run_now",
            Event::Cancelled { .. } => "cancelled",
        }
    }
}
