//! Planning: from what the Hub shows about each managed org ([`OrgFacts`]) and each SCIM app
//! beside it ([`apps::AppFacts`]), and the case's
//! context, the ordered steps with a strategy each, the reasons the plan cannot run yet, and the
//! exact Hub calls it would make; and [`reconcile`], what a fresh read changes about a case's
//! plan. Pure: the facts are read by the engine (its `OrgIndex` to plan, fresh reads to
//! reconcile).

pub mod apps;
mod calls;
mod facts;
mod planner;
mod reconcile;
mod replan;

pub use calls::hub_calls;
pub use facts::{
    AccessStatus, GatedRepo, HubPlan, MemberFacts, OrgFacts, ScimMode, TokenFacts,
    is_person_staying,
};
pub use planner::{Plan, PlanContext, PlannedStep, holds_nothing, plan};
pub use reconcile::{MAX_TAKEN_AWAY, Reconciliation, reconcile};
pub use replan::replan;
