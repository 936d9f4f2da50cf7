//! The states of a case and of a step, with their snake_case names.

use serde::{Deserialize, Serialize};

macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The snake_case name used in JSON, the database and the CLI.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!(
                        "{s:?} is not one of {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}
pub(crate) use named_enum;

named_enum!(
    /// Where a case stands.
    CaseState {
        /// The ticket is stored; discovery and planning have not produced steps yet.
        Planning => "planning",
        /// Some steps wait for an approver.
        AwaitingApproval => "awaiting_approval",
        /// Every step is approved; nothing has run yet (often waiting for `effective_at`).
        Scheduled => "scheduled",
        /// Steps are being carried out.
        Running => "running",
        /// Every step succeeded or was skipped.
        Completed => "completed",
        /// A human must act: a step failed for good, was rejected, waits for a manual action,
        /// or the plan cannot run as it is.
        NeedsAttention => "needs_attention",
        /// An operator cancelled the case.
        Cancelled => "cancelled",
    }
);

named_enum!(
    /// Where one step stands.
    StepState {
        /// Planned, not yet put to an approver.
        Planned => "planned",
        /// Waiting for an approver's decision.
        AwaitingApproval => "awaiting_approval",
        /// Approved; runs once its predecessors are done and the case is effective.
        Approved => "approved",
        /// Being carried out against the Hub.
        Running => "running",
        /// Done, and the Hub shows it.
        Succeeded => "succeeded",
        /// An approver said no.
        Rejected => "rejected",
        /// Will not run (the case was cancelled).
        Skipped => "skipped",
        /// The last attempt failed; retried at `next_retry_at` if set, else waits for an operator.
        Failed => "failed",
        /// Waits for a human to act in the Hub's UI; the Hub is polled to see it done.
        WaitingManual => "waiting_manual",
    }
);

impl CaseState {
    /// Whether the case can no longer change.
    pub fn is_closed(self) -> bool {
        matches!(self, CaseState::Completed | CaseState::Cancelled)
    }
}

impl StepState {
    /// Whether the step is done for good, one way or the other.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            StepState::Succeeded | StepState::Rejected | StepState::Skipped
        )
    }

    /// Whether later steps may run after this one.
    pub fn lets_successors_run(self) -> bool {
        matches!(self, StepState::Succeeded | StepState::Skipped)
    }
}
