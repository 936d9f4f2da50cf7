//! The roster of people who should be in the managed orgs (issue 16), and what Leaver makes of
//! it, all pure: [`entry`] (one person, parsed with field-named errors), [`reconcile`] (the
//! roster against each org's members, admins, invitations and gated-repo holders: orphans,
//! missed offboardings, ...), [`seat_cost`] (what orphans and pending invitations cost a month)
//! and [`revoke_time`] (how long leavers kept access, per week, against a target).
//!
//! Not to be confused with `leaver_app::accounts::roster`, which lists Leaver's own operators
//! and API keys.

pub mod entry;
pub mod reconcile;
pub mod revoke_time;
pub mod seat_cost;

pub use entry::{RosterEntry, RosterEntryInput, RosterSource, RosterStatus};
pub use reconcile::{Finding, FindingKind, Reconciliation, reconcile};
pub use revoke_time::{CaseTimes, RevokeWeek, StateWeek, cases_by_state_per_week, revoke_weeks};
pub use seat_cost::{OrgCost, SeatPrices};
