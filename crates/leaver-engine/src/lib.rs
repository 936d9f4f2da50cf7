//! Leaver's engine: workers that claim jobs from the store and carry them out.
//!
//! - planning: read what the leaver holds through a shared [`OrgIndex`] (one pass over each
//!   org's lists serves every case), then plan with `leaver_core::plan`;
//! - steps: read the Hub first, write only if the Hub does not already show the result, read
//!   back to confirm; or hand the step to a human and poll the Hub until it shows done;
//! - every outcome is recorded through `Store::record`, which finishes the job, stores the new
//!   state, the next jobs and the audit record in one transaction.

mod clock;
mod config;
mod discovery;
mod engine;
mod org_index;
mod outcome;
mod steps;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::EngineConfig;
pub use discovery::read_org;
pub use engine::Engine;
pub use org_index::OrgIndex;
pub use outcome::Outcome;
