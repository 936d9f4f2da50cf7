//! What carrying out a step can come to.

use leaver_core::{AddedStep, SkippedStep};
use leaver_hub::HubError;
use leaver_scim_client::ScimClientError;
use leaver_store::StoreError;
use serde_json::Value;

/// A step's result when nothing went wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The Hub shows the step done; `note` says what was found or changed, `evidence` what was
    /// read back (kept in the audit trail).
    Done { note: String, evidence: Value },
    /// A human must act in the Hub's UI; the Hub is then polled.
    Manual { instructions: String },
    /// A fresh read of the whole footprint (`refresh`, `verify`) found the plan out of date:
    /// steps to add and to skip (recorded as `footprint_changed`); `evidence` is what was read.
    Replanned {
        added: Vec<AddedStep>,
        skipped: Vec<SkippedStep>,
        evidence: Value,
    },
}

impl Outcome {
    pub(crate) fn done(note: impl Into<String>) -> Outcome {
        Outcome::Done {
            note: note.into(),
            evidence: Value::Null,
        }
    }
}

/// Why a step did not get done.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The Hub failed; retried if the error is transient.
    #[error(transparent)]
    Hub(#[from] HubError),
    /// A SCIM app beside the Hub failed (`deprovision_app`); retried if transient, as the Hub.
    #[error(transparent)]
    App(#[from] ScimClientError),
    /// Doing the step would be wrong (it would leave the org without a human admin, the
    /// successor is not a member...): an operator must decide.
    #[error("{0}")]
    Refused(String),
    /// The write went through but reading the Hub back does not show the result yet.
    #[error("{0}")]
    NotVisible(String),
    /// Recording what the step did failed (the database is away); the step is tried again.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl StepError {
    /// How long the Hub asked us to wait (`Retry-After`, `RateLimit`, or the open circuit's
    /// next probe), if it said.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            StepError::Hub(e) => e.retry_after(),
            StepError::App(e) => e.retry_after(),
            _ => None,
        }
    }

    /// Whether trying again later may help.
    pub fn is_retryable(&self) -> bool {
        match self {
            StepError::Hub(e) => e.is_retryable(),
            StepError::App(e) => e.is_retryable(),
            StepError::Refused(_) => false,
            StepError::NotVisible(_) => true,
            StepError::Store(e) => !matches!(e, StoreError::Corrupt(_) | StoreError::Domain(_)),
        }
    }
}
