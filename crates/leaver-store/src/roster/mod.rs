//! The roster of people who should be in the managed orgs (issue 16; migration 0016): imports
//! (the latest one IS the roster; each import replaces the previous one and stays as an audited
//! record of counts, who and when), dismissed reconciliation rows, and since when each finding
//! has been seen. Also the case times the dashboard's charts read.
//!
//! Not `accounts::roster` (Leaver's operators and API keys).

mod case_times;
mod findings;
mod imports;

use crate::StoreError;
use async_trait::async_trait;
use leaver_core::roster::{CaseTimes, FindingKind, RosterEntry};
use serde::Serialize;
use std::collections::HashMap;
use time::OffsetDateTime;

pub use crate::Actor;

/// The audit record kind of an import.
pub const ROSTER_IMPORTED: &str = "roster_imported";
/// The audit record kind of a dismissal.
pub const ROSTER_FINDING_DISMISSED: &str = "roster_finding_dismissed";

/// One import, as its audit record keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RosterImport {
    pub id: uuid::Uuid,
    /// `csv` (the only source that is imported; SCIM users are read as they are).
    pub source: String,
    pub imported_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub imported_at: OffsetDateTime,
    pub entries: i64,
    pub active: i64,
    pub terminated: i64,
}

/// A row an operator dismissed, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dismissal {
    pub org: String,
    pub kind: FindingKind,
    pub subject: String,
    pub reason: String,
    pub dismissed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub dismissed_at: OffsetDateTime,
}

/// A finding's name across reports: `(org, kind, subject)`.
pub type FindingKey = (String, FindingKind, String);

#[async_trait]
pub trait RosterStore: Send + Sync {
    /// Makes `entries` the roster, replacing the previous import's entries, and records the
    /// import (counts, `actor`, `now`) with its audit record, in one transaction.
    async fn replace_roster(
        &self,
        entries: &[RosterEntry],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<RosterImport, StoreError>;

    /// The latest import and its entries (none before the first import).
    async fn roster(&self) -> Result<(Option<RosterImport>, Vec<RosterEntry>), StoreError>;

    /// The imports, newest first.
    async fn roster_imports(&self, limit: u32) -> Result<Vec<RosterImport>, StoreError>;

    /// Dismisses a row with `reason` (audited). `false`, and nothing written, when it already
    /// was dismissed.
    async fn dismiss_finding(&self, dismissal: &Dismissal) -> Result<bool, StoreError>;

    /// Every dismissed row.
    async fn dismissals(&self) -> Result<Vec<Dismissal>, StoreError>;

    /// Notes that `seen` were seen at `now` and answers since when each has been seen.
    async fn mark_seen(
        &self,
        seen: &[FindingKey],
        now: OffsetDateTime,
    ) -> Result<HashMap<FindingKey, OffsetDateTime>, StoreError>;

    /// Every case's state and times (for time to revoke and cases by state over time).
    async fn case_times(&self) -> Result<Vec<CaseTimes>, StoreError>;

    /// The Hub usernames with an open case (not completed, not cancelled), as stored.
    async fn open_case_usernames(&self) -> Result<Vec<String>, StoreError>;
}

/// A stored time back as a time.
fn time_of(ms: i64) -> Result<OffsetDateTime, StoreError> {
    crate::cases::rows::from_ms(ms)
}
