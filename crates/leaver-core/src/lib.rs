//! Leaver's domain, free of I/O: the offboarding case and its steps, the pure state machine that
//! moves them (`apply`), the planner that turns a leaver's Hub footprint into ordered steps, and
//! the hash chain that makes the audit trail tamper-evident.
//!
//! Time and ids come in as parameters, so every transition is a plain function of its inputs.

pub mod approval;
pub mod audit;
pub mod awaiting_username;
pub mod case;
pub mod describe;
pub mod email;
pub mod error;
pub mod event;
pub mod external_id;
mod footprint_change;
pub mod hub_token;
pub mod ids;
pub mod input;
pub mod nothing_held;
pub mod ordering;
pub mod plan;
pub mod roster;
pub mod state;
mod steering;
pub mod step;
pub mod target;
mod text;
pub mod ticket;
pub mod ticket_update;
pub mod token_handover;
pub mod tokens_ack;
pub mod transition;
pub mod username;

pub use case::{Case, Person};
pub use email::EmailAddress;
pub use error::DomainError;
pub use event::{AddedStep, Event, NewStep, SkippedStep};
pub use external_id::ExternalId;
pub use hub_token::HubTokenValue;
pub use ids::{CaseId, StepId};
pub use state::{CaseState, StepState};
pub use step::{Step, StepKind, Strategy};
pub use target::{RepoType, Target};
pub use ticket::{FieldError, HubUsernameRule, Ticket, TicketInput};
pub use ticket_update::{Patch, TicketChange, TicketPatch};
pub use transition::{Effect, Transition, apply};
pub use username::HubUsername;
