//! Leaver's storage. One [`Store`] trait, implemented for SQLite and Postgres by [`SqlStore`],
//! chosen by the database URL's scheme.
//!
//! Every state change goes through [`Store::record`]: it loads the case, applies the event with
//! `leaver_core::apply`, and writes the new state, the jobs its effects call for (the outbox) and
//! the audit record, all in one transaction.

mod accounts;
pub mod approvals;
mod audit;
pub mod audit_mark;
mod cases;
mod checkpoint;
mod connect;
mod dialect;
mod error;
pub mod held_tokens;
mod jobs;
mod lease_queue;
mod multi_row;
mod open_batch;
pub mod operator_notices;
pub mod outbox;
mod record_batch;
mod reports;
mod rows;
pub mod scratch;
mod sql_store;
mod store;
mod transitions;

pub use accounts::{AccountStore, ApiKey, Operator};
pub use audit_mark::ChainCheck;
pub use connect::connect;
pub use dialect::Dialect;
pub use error::StoreError;
pub use held_tokens::{Held, HeldToken, TokenSealer, TokenStore};
pub use jobs::{ClaimedCase, Job, JobKind};
pub use lease_queue::Lease;
pub use record_batch::{BatchItem, BatchWrite};
pub use reports::{ReportStore, StepCount, StepRef, WaitingApproval};
pub use sql_store::SqlStore;
pub use store::{Actor, AuditReport, CaseFilter, Opened, Store};
