//! Leaver's engine: workers that claim jobs from the store and carry them out.
//!
//! - planning: read what the leaver holds through a shared [`OrgIndex`] (one pass over each
//!   org's lists serves every case), then plan with `leaver_core::plan`;
//! - steps: read the Hub first, write only if the Hub does not already show the result, read
//!   back to confirm; or hand the step to a human and poll the Hub until it shows done. The
//!   reads before a write are shared by the jobs of a batch ([`shared_reads`]), and so are the
//!   read-backs, each from a read started after the write it confirms ([`read_backs`]);
//! - a worker claims a batch of jobs (a step's job is claimed with its step started, so
//!   `running` is stored while the Hub call is in flight), hands each to the handler of its kind
//!   ([`jobs`]), which returns what the job came to and writes nothing, and records every outcome
//!   through one `Store::record_batch`, which finishes each job and stores its new state, next
//!   jobs and audit records in one transaction for the whole batch.

mod approvals;
mod apps;
mod clock;
mod config;
mod discovery;
mod drift;
mod engine;
mod fresh_reads;
mod jobs;
mod mail_sender;
mod minter;
mod open_cases;
mod org_index;
mod outcome;
mod read_backs;
mod replan;
mod settle;
mod shared_reads;
mod steps;

pub use approvals::{ApprovalMail, ApprovalSettings};
pub use apps::{AppConnector, AppRead};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{DEFAULT_RETRY_FOR, EngineConfig};
pub use discovery::read_org;
pub use drift::{Drift, SweepError, follow_up_external_id};
pub use engine::Engine;
pub use minter::Minter;
pub use open_cases::open_cases_of;
pub use org_index::OrgIndex;
pub use outcome::Outcome;
