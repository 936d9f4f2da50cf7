//! The roster of people who should be in the managed orgs (issue 16; migration 0016): imports
//! (the latest one IS the roster; each import replaces the previous one and stays as an audited
//! record of counts, who and when), dismissed reconciliation rows, and since when each finding
//! has been seen; the orgs as the background refresh last read them (migration 0021). Also the
//! case times the dashboard's charts read.
//!
//! Not `accounts::roster` (Leaver's operators and API keys).

mod case_times;
mod findings;
mod imports;
mod reads;

use crate::StoreError;
use async_trait::async_trait;
use leaver_core::plan::OrgFacts;
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

/// The orgs as one read of the Hub found them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterRead {
    pub read_at: OffsetDateTime,
    pub orgs: Vec<OrgFacts>,
}

/// Where the roster's background refresh stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RosterReadState {
    /// The last read that succeeded (`None`: the orgs were never read).
    pub last: Option<RosterRead>,
    /// A refresh asked for and not done yet.
    pub requested_at: Option<OffsetDateTime>,
    /// The last read that failed since `last`, and why.
    pub failure: Option<(OffsetDateTime, String)>,
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

    /// The orgs as last read for the roster, and whether a refresh is waiting or failed.
    async fn roster_read(&self) -> Result<RosterReadState, StoreError>;

    /// Asks for a refresh of the roster's read (one already waiting stays as it is).
    async fn request_roster_read(&self, now: OffsetDateTime) -> Result<(), StoreError>;

    /// Stores a read begun at `started` that succeeded; requests made before it are done.
    async fn save_roster_read(
        &self,
        read: &RosterRead,
        started: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Notes a read begun at `started` that failed at `at` (the last good read stays);
    /// requests made before it are done with.
    async fn roster_read_failed(
        &self,
        started: OffsetDateTime,
        at: OffsetDateTime,
        error: &str,
    ) -> Result<(), StoreError>;
}

/// A stored time back as a time.
fn time_of(ms: i64) -> Result<OffsetDateTime, StoreError> {
    crate::cases::rows::from_ms(ms)
}
