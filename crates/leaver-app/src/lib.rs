//! Leaver's application layer: every use case once, for every door. The web pages, the REST
//! API and the CLI parse what they are given, call a method of [`Leaver`] with the actor, and
//! render what it returns; none of them reads the wall clock or talks to the store on its own.
//!
//! - [`Leaver::build`] is the one wiring (store, Hub client, engine, mail, approval links, token
//!   sealer, one [`Clock`]) from plain-data [`Settings`];
//! - the use cases: cases ([`Leaver::open_case`], cancel, run now, retry, manual done, reads),
//!   CSV [`import`], held Hub [`tokens`], [`approvals`] (decide, renew), [`evidence`] exports
//!   and the [`audit`] chain, [`accounts`] (operators, sessions, API keys), the dashboard and
//!   metrics ([`reports`]);
//! - [`preflight`] (`leaver check`) and [`dry_run`] (`leaver plan`), which need settings only.
//!
//! Failures are one small [`Error`] enum, which the web turns into responses and the CLI into
//! messages.

pub mod accounts;
pub mod approvals;
pub mod apps;
pub mod audit;
mod build;
mod case_ref;
pub mod cases;
pub mod dates;
pub mod drift;
pub mod dry_run;
mod error;
pub mod evidence;
pub mod hooks;
pub mod import;
mod leaver;
pub mod mailbox;
mod nothing_held;
mod opening;
pub mod preflight;
pub mod reports;
pub mod roster;
pub mod scim;
pub mod settings;
pub mod settings_view;
pub mod steering;
pub mod step_choices;
pub mod text;
pub mod tokens;
mod tokens_ack;

pub use build::{Builder, Tuning};
pub use error::{Error, Result};
pub use leaver::{Leaver, Workers};
pub use leaver_engine::{Clock, ManualClock, SystemClock};
pub use settings::{RuleSetting, Settings};

/// The values the use cases take and return, for the doors that render them.
pub mod model {
    pub use leaver_core::approval::Decision;
    pub use leaver_core::audit::AuditRecord;
    pub use leaver_core::{
        Case, CaseId, CaseState, FieldError, Patch, Step, StepId, StepState, TicketInput,
        TicketPatch,
    };
    pub use leaver_store::approvals::{Decided, DecisionOrigin, LinkView};
    pub use leaver_store::held_tokens::HeldFingerprint;
    pub use leaver_store::{
        Actor, AuditReport, CaseFilter, ChainCheck, Held, Opened, RetryingStep, RetryingSummary,
        StepCount, StepRef, WaitingApproval,
    };
}
