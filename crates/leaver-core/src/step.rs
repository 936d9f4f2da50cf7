//! One step of a case: its kind, target, strategy and state, and the step-level transitions.

use crate::state::named_enum;
use crate::{DomainError, StepId, StepState, Target};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

named_enum!(
    /// What a step does. The declaration order is the order steps run in.
    StepKind {
        /// Read the leaver's footprint afresh once the case may run, before its first write:
        /// access that appeared since planning becomes new steps, access that is gone skips
        /// its step. Needs no approver of its own; it is approved once every approver has
        /// decided (see `crate::transition`).
        Refresh => "refresh",
        /// Make sure the org keeps a human admin: promote the successor first if needed.
        ReassignLastAdmin => "reassign_last_admin",
        /// Set the leaver's org role to `no_access` with no resource groups.
        StripAccess => "strip_access",
        /// Reject the leaver's access to one of the org's gated repos.
        RevokeGatedAccess => "revoke_gated_access",
        /// Remove the leaver from the org.
        RemoveMember => "remove_member",
        /// Cancel a pending invitation of the leaver's.
        CancelInvitation => "cancel_invitation",
        /// Deactivate (or delete, as the app is configured) the leaver's account in one SCIM
        /// app beside the Hub (`[[apps]]`: 15Five, 1Password, 8x8...); see `crate::plan::apps`.
        DeprovisionApp => "deprovision_app",
        /// Revoke known raw tokens and tell the operator what to check in Tokens Management.
        FlagTokens => "flag_tokens",
        /// Read the whole footprint back (every managed org and gated repo) and keep the
        /// snapshot as evidence; what it still finds becomes new steps, then it reads again.
        Verify => "verify",
    }
);

impl StepKind {
    /// Whether the step takes away something of the leaver's footprint (or, promoting a
    /// successor, makes that possible), so that a fresh read can add or skip it.
    pub fn acts_on_footprint(self) -> bool {
        !matches!(
            self,
            StepKind::Refresh | StepKind::FlagTokens | StepKind::Verify
        )
    }

    /// Whether carrying the step out writes to the Hub (every step but the reads): the first
    /// such step to start settles the case's ticket and plan.
    pub fn writes_to_hub(self) -> bool {
        !self.reads_footprint()
    }

    /// Whether the step reads the whole footprint afresh and plans what it finds.
    pub fn reads_footprint(self) -> bool {
        matches!(self, StepKind::Refresh | StepKind::Verify)
    }

    /// Whether the step asks no approver but waits until every approver has decided (one at
    /// least saying yes): the fresh read that opens execution (`refresh`) must see the plan as
    /// approved, so that what it adds runs under approvals actually given.
    pub fn waits_for_the_approvers(self) -> bool {
        self == StepKind::Refresh
    }
}

named_enum!(
    /// How a step is carried out.
    Strategy {
        /// Through the Hub's REST API.
        Api => "api",
        /// Through the org's SCIM endpoints (Enterprise).
        Scim => "scim",
        /// By a human in the Hub's UI, then verified by reading the Hub back.
        Manual => "manual",
    }
);

/// One action on one target, as the case holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: StepId,
    pub kind: StepKind,
    pub target: Target,
    pub strategy: Strategy,
    pub state: StepState,
    /// How many times the step was started.
    pub attempts: u32,
    /// The last error (the Hub's message), if the last attempt failed.
    pub error: Option<String>,
    /// When a failed step is tried again; `None` on a failed step means an operator must retry.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub next_retry_at: Option<OffsetDateTime>,
    /// Since when the step has been failing, attempt after attempt (the first failure of the
    /// run): transient failures are retried for a time budget counted from here. Cleared when
    /// the step succeeds, is retried by an operator or is skipped.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub failing_since: Option<OffsetDateTime>,
    /// What a human must do, for manual steps.
    pub instructions: Option<String>,
    /// An operator's or approver's note (why rejected, what was done by hand).
    pub note: Option<String>,
    /// On a `rejected` step: the approver who chose to keep this access (rejected the step
    /// while approving the rest of their request). The case goes on without it, and its
    /// evidence names the kept access, the approver and the reason (`note`). `None` on a step
    /// rejected with the whole request: that waits for an operator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_by: Option<String>,
}

/// What can happen to a single step. The case-level [`crate::Event`]s map onto these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepEvent {
    RequestApproval,
    Approve,
    Reject {
        reason: String,
    },
    /// Rejected on its own by `by`, who approved the rest: the access is kept.
    Keep {
        reason: String,
        by: String,
    },
    Start,
    Succeed {
        note: Option<String>,
    },
    Fail {
        error: String,
        retry_at: Option<OffsetDateTime>,
    },
    WaitManual {
        instructions: String,
    },
    MarkManualDone {
        note: String,
    },
    Retry,
    /// Put to the approvers again (after a rejection, or because what it does changed).
    Reask,
    Skip,
    /// A running read (`verify`) found more to do: it waits to run again after the new steps.
    Rearm,
}

impl StepEvent {
    /// The event's name, for error messages and audit records.
    pub fn name(&self) -> &'static str {
        match self {
            StepEvent::RequestApproval => "request approval",
            StepEvent::Approve => "approve",
            StepEvent::Reject { .. } => "reject",
            StepEvent::Keep { .. } => "keep",
            StepEvent::Start => "start",
            StepEvent::Succeed { .. } => "succeed",
            StepEvent::Fail { .. } => "fail",
            StepEvent::WaitManual { .. } => "wait for a manual action",
            StepEvent::MarkManualDone { .. } => "mark done by hand",
            StepEvent::Retry => "retry",
            StepEvent::Reask => "ask the approvers again",
            StepEvent::Skip => "skip",
            StepEvent::Rearm => "read again",
        }
    }
}

impl Step {
    /// A freshly planned step.
    pub fn planned(id: StepId, kind: StepKind, target: Target, strategy: Strategy) -> Self {
        Step {
            id,
            kind,
            target,
            strategy,
            state: StepState::Planned,
            attempts: 0,
            error: None,
            next_retry_at: None,
            failing_since: None,
            instructions: None,
            note: None,
            kept_by: None,
        }
    }

    /// Whether an approver chose to keep this step's access (see [`Step::kept_by`]).
    pub fn is_kept(&self) -> bool {
        self.state == StepState::Rejected && self.kept_by.is_some()
    }

    /// The step after `event`, or an error if the step's state does not allow it.
    pub fn advance(&self, event: StepEvent) -> Result<Step, DomainError> {
        use StepState as S;
        let mut next = self.clone();
        match (self.state, event.clone()) {
            (S::Planned, StepEvent::RequestApproval) => next.state = S::AwaitingApproval,
            (S::Planned | S::AwaitingApproval, StepEvent::Approve) => next.state = S::Approved,
            (S::Planned | S::AwaitingApproval, StepEvent::Reject { reason }) => {
                next.state = S::Rejected;
                next.note = Some(reason);
            }
            (S::Planned | S::AwaitingApproval, StepEvent::Keep { reason, by }) => {
                next.state = S::Rejected;
                next.note = Some(reason);
                next.kept_by = Some(by);
            }
            (S::Approved, StepEvent::Start) => next.attempts += 1,
            (S::Failed, StepEvent::Start) if self.next_retry_at.is_some() => next.attempts += 1,
            (S::Running | S::WaitingManual, StepEvent::Succeed { note }) => {
                next.state = S::Succeeded;
                next.error = None;
                next.next_retry_at = None;
                next.failing_since = None;
                next.note = note.or(next.note);
            }
            (S::Running, StepEvent::Fail { error, retry_at }) => {
                next.state = S::Failed;
                next.error = Some(error);
                next.next_retry_at = retry_at;
            }
            (S::Running, StepEvent::WaitManual { instructions }) => {
                next.state = S::WaitingManual;
                next.instructions = Some(instructions);
            }
            (S::WaitingManual, StepEvent::MarkManualDone { note }) => next.note = Some(note),
            (S::Running, StepEvent::Rearm) => next.state = S::Approved,
            (S::Failed, StepEvent::Retry) => {
                next.state = S::Approved;
                next.next_retry_at = None;
                next.failing_since = None;
            }
            (S::Rejected | S::Approved | S::AwaitingApproval, StepEvent::Reask) => {
                next.state = S::AwaitingApproval;
                next.note = None;
                next.kept_by = None;
            }
            (
                S::Planned
                | S::AwaitingApproval
                | S::Approved
                | S::Failed
                | S::WaitingManual
                | S::Rejected,
                StepEvent::Skip,
            ) => {
                next.state = S::Skipped;
                next.next_retry_at = None;
                next.failing_since = None;
            }
            (state, event) => {
                return Err(DomainError::IllegalStepTransition {
                    step: self.id,
                    state,
                    event: event.name(),
                });
            }
        }
        if matches!(event, StepEvent::Start) {
            next.state = S::Running;
            next.next_retry_at = None;
        }
        Ok(next)
    }

    /// Since when the step has been failing while it is still to be tried again (by the
    /// engine, at `next_retry_at`, or running again now); `None` if it is not failing, or
    /// failed for good and waits for an operator.
    pub fn retrying_since(&self) -> Option<OffsetDateTime> {
        let for_good = self.state == StepState::Failed && self.next_retry_at.is_none();
        self.failing_since
            .filter(|_| !for_good && !self.state.is_terminal())
    }

    /// Records that the step failed at `now`: the first failure of a run starts the clock of
    /// its retry budget, later ones keep it.
    pub(crate) fn failed_at(&mut self, now: OffsetDateTime) {
        self.failing_since.get_or_insert(now);
    }
}
