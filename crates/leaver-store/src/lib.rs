//! Leaver's storage. One [`Store`] trait, implemented for SQLite and Postgres by [`SqlStore`],
//! chosen by the database URL's scheme.
//!
//! Every state change goes through [`Store::record`]: it loads the case, applies the event with
//! `leaver_core::apply`, and writes the new state, the jobs its effects call for (the outbox) and
//! the audit record, all in one transaction.

mod accounts;
pub mod approvals;
mod audit;
mod blocked;
mod cases;
mod drift_links;
mod error;
pub mod footprint_reads;
pub mod held_tokens;
pub mod hooks;
pub mod inbound_calls;
mod jobs;
pub mod mail;
mod org_lock;
mod reports;
mod retrying;
pub mod roster;
pub mod scim_users;
pub mod scratch;
mod sql_store;
mod store;
mod write_path;

pub use accounts::{
    API_KEY_REVOKED, AccountStore, ApiKey, ApiKeySummary, KeyScope, OPERATOR_REMOVED, Operator,
    OperatorSummary,
};
pub use audit::mark::ChainCheck;
pub use cases::record_batch::{BatchItem, BatchWrite};
pub use drift_links::{DRIFT_DETECTED, DRIFT_FOLLOW_UP, DriftLink, DriftLinks};
pub use error::StoreError;
pub use footprint_reads::{FootprintPass, FootprintRead, PassEntry};
pub use held_tokens::{Held, HeldToken, TokenSealer, TokenStore};
pub use hooks::{ClaimOutcome, HookClaim, HookSource, HookStore, claiming};
pub use inbound_calls::{Channel, InboundCall, InboundCalls};
pub use jobs::lease_queue::Lease;
pub use jobs::{ClaimedCase, Job, JobKind};
pub use org_lock::{OrgLockGuard, OrgLocks};
pub use reports::{BlockedCase, ReportStore, StepCount, StepRef, WaitingApproval};
pub use retrying::{RetryingStep, RetryingSummary};
pub use scim_users::{ScimAudit, ScimUser, ScimUserStore};
pub use sql_store::SqlStore;
pub use store::{Actor, AuditReport, CaseFilter, Opened, Store};
pub use write_path::connect::connect;
pub use write_path::dialect::Dialect;
