//! The storage port: what the rest of Leaver may ask of a database.

use crate::{BatchItem, Dialect, Job, Lease, StoreError};
use async_trait::async_trait;
use leaver_core::audit::{AuditRecord, BrokenLink};
use leaver_core::{Case, CaseId, CaseState, Event, Ticket, Transition};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::time::Duration;
use time::OffsetDateTime;

/// Who caused a change, as the audit trail names them: `engine`, `cli`, `operator:alice@acme.test`,
/// `approver:carol@acme.test`, `api:workday`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Actor(String);

impl Actor {
    pub fn engine() -> Actor {
        Actor("engine".into())
    }
    pub fn cli() -> Actor {
        Actor("cli".into())
    }
    pub fn operator(email: &str) -> Actor {
        Actor(format!("operator:{email}"))
    }
    pub fn approver(email: &str) -> Actor {
        Actor(format!("approver:{email}"))
    }
    pub fn api(key_name: &str) -> Actor {
        Actor(format!("api:{key_name}"))
    }
    /// An identity provider calling `/scim/v2` with the `scim` key named `key_name`.
    pub fn scim(key_name: &str) -> Actor {
        Actor(format!("scim:{key_name}"))
    }
    /// A signed webhook from the hook source `source`.
    pub fn hook(source: &str) -> Actor {
        Actor(format!("hook:{source}"))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The result of opening a case: the case, and whether this call created it (false on a replay
/// of the same ticket).
#[derive(Clone, Debug)]
pub struct Opened {
    pub case: Case,
    pub created: bool,
}

/// Which cases to list.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    pub state: Option<CaseState>,
    /// Matches external id, email or Hub username (substring, case-insensitive).
    pub search: Option<String>,
    pub limit: Option<u32>,
    pub offset: u32,
}

/// The outcome of checking the audit chain.
#[derive(Clone, Debug, Serialize)]
pub struct AuditReport {
    /// How many records were checked.
    pub records: i64,
    /// The first broken link, if any.
    pub broken: Option<BrokenLink>,
}

/// Everything Leaver stores about cases, jobs and the audit trail; approvals and the email
/// outbox come with it (supertraits), so one `Arc<dyn Store>` reaches all of them.
/// Implemented by [`crate::SqlStore`] for SQLite and Postgres.
#[async_trait]
pub trait Store:
    crate::approvals::ApprovalStore
    + crate::mail::outbox::MailOutbox
    + crate::mail::operator_notices::OperatorNotices
    + crate::held_tokens::TokenStore
    + crate::drift_links::DriftLinks
    + crate::org_lock::OrgLocks
    + Send
    + Sync
    + fmt::Debug
{
    /// Which database this is.
    fn dialect(&self) -> Dialect;

    /// Brings the schema up to date.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Stores a new case for `ticket` (with id `id`) and its planning job, or returns the case
    /// already opened for the same ticket. The same `external_id` with different content is a
    /// [`StoreError::Conflict`], and nothing is written.
    async fn open_case(
        &self,
        ticket: &Ticket,
        id: CaseId,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Opened, StoreError>;

    /// Opens a case per ticket, as [`Store::open_case`] does one, all in one transaction: for
    /// bulk intake. One result per ticket, in order; a conflicting ticket fails alone.
    async fn open_cases(
        &self,
        tickets: &[(Ticket, CaseId)],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Vec<Result<Opened, StoreError>>, StoreError>;

    /// One case with its steps.
    async fn case(&self, id: CaseId) -> Result<Case, StoreError>;

    /// Several cases with their steps, read together, in the order of `ids`; ids that name no
    /// case are left out. A case whose stored row does not decode comes back as its own error,
    /// so that one bad row never fails the others.
    async fn cases(
        &self,
        ids: &[CaseId],
    ) -> Result<Vec<(CaseId, Result<Case, StoreError>)>, StoreError>;

    /// Cases, newest first, with their steps.
    async fn list_cases(&self, filter: &CaseFilter) -> Result<Vec<Case>, StoreError>;

    /// Applies `events` in order to the case and stores the new state, the jobs their effects call
    /// for and one audit record per event (with `detail`), in one transaction. With `lease`, the
    /// job is finished in the same transaction. If the lease was lost or any event is illegal,
    /// nothing is written.
    async fn record(
        &self,
        case: CaseId,
        events: Vec<Event>,
        actor: &Actor,
        detail: Value,
        lease: Option<&Lease>,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError>;

    /// Writes many items (usually the outcomes of a batch of claimed jobs) in one transaction,
    /// each as [`Store::record`] or [`Store::append_audit`] would, finishing its job when it
    /// carries a lease. Items stand alone: one whose lease was lost or whose events are illegal
    /// fails with that error and writes nothing, and the others commit. Returns one result per
    /// item, in order; `Err` only when the transaction itself failed (nothing was written).
    async fn record_batch(
        &self,
        items: &[BatchItem],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Vec<Result<(), StoreError>>, StoreError>;

    /// Claims up to `limit` due jobs for `lease_for`, each with its case, and in the same
    /// transaction starts the steps of the `RunStep` jobs among them (`StepStarted`, audited): a
    /// step is `running` while a worker holds its job. A job whose step may not start (its case
    /// was cancelled, say) is finished instead and not returned. A job whose lease ran out is
    /// due again; its step, running already, is not started twice.
    async fn claim_jobs(
        &self,
        lease_for: Duration,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<Job>, StoreError>;

    /// Removes a finished job that needed no state change.
    async fn finish_job(&self, lease: &Lease) -> Result<(), StoreError>;

    /// Puts a claimed job back to run at `run_at` (after a transient failure), keeping `error`.
    async fn reschedule_job(
        &self,
        lease: &Lease,
        run_at: OffsetDateTime,
        error: &str,
    ) -> Result<(), StoreError>;

    /// Appends an audit record that is not a case transition (an email sent, a reminder).
    async fn append_audit(
        &self,
        case: Option<CaseId>,
        actor: &Actor,
        kind: &str,
        data: Value,
        now: OffsetDateTime,
    ) -> Result<AuditRecord, StoreError>;

    /// The audit records, oldest first: all of them, or one case's.
    async fn audit_events(&self, case: Option<CaseId>) -> Result<Vec<AuditRecord>, StoreError>;

    /// Recomputes the whole chain and reports the first broken link.
    async fn verify_audit(&self) -> Result<AuditReport, StoreError>;
}
