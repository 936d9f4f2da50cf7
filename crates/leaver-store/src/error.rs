//! Store errors.

use leaver_core::{CaseId, DomainError};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A case with this external id exists with different content.
    #[error(
        "a case with external_id {external_id} already exists with different content (case {existing}): to change its ticket, PATCH /api/v1/cases/{existing} or run `leaver case update {existing}`"
    )]
    Conflict {
        external_id: String,
        existing: CaseId,
    },
    #[error("no case {0}")]
    CaseNotFound(CaseId),
    /// The event is not legal in the case's current state.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The lease on a claimed job or email ran out and another worker took it over; this
    /// worker's result is dropped.
    #[error("the lease on {0} was lost: another worker has claimed it since")]
    LeaseLost(uuid::Uuid),
    /// A hook event's id was claimed before (a replay); the write that carried the claim was
    /// rolled back (see `hooks::claiming`).
    #[error("{0}")]
    EventSpent(String),
    /// A stored value does not parse (the database was edited by hand?).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
