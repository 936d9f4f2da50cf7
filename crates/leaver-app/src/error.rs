//! What a use case can fail with: few kinds, each a door answers in its own way (the web with a
//! status and a body, the CLI with a message). The texts are the ones operators read.

use leaver_core::{DomainError, FieldError};
use leaver_store::StoreError;

/// Why a use case did nothing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// What the caller named does not exist (a case, a link).
    #[error("{0}")]
    NotFound(String),
    /// Input that breaks the rules, each bad field named; nothing was written.
    #[error("{}", fields(.0))]
    Invalid(Vec<FieldError>),
    /// Not possible in the current state (a closed case, a ticket id taken).
    #[error("{0}")]
    Conflict(String),
    /// A part this Leaver was built without (no secret key, no approval emails).
    #[error("{0}")]
    Unavailable(String),
    /// Anything else: the database, a bug. Logged with its chain; callers see a generic text.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// A use case's result.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// One bad field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Error {
        Error::Invalid(vec![FieldError {
            field,
            message: message.into(),
        }])
    }
}

fn fields(errors: &[FieldError]) -> String {
    let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
    all.join("; ")
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Error {
        match error {
            StoreError::CaseNotFound(_) => Error::NotFound(error.to_string()),
            StoreError::Conflict { .. } | StoreError::EventSpent(_) => {
                Error::Conflict(error.to_string())
            }
            StoreError::Domain(DomainError::InvalidText { field, message }) => {
                Error::Invalid(vec![FieldError { field, message }])
            }
            StoreError::Domain(e) => Error::Conflict(e.to_string()),
            other => Error::Internal(other.into()),
        }
    }
}
