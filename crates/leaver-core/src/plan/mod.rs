//! Planning: from what the Hub shows about each managed org ([`OrgFacts`]) and the case's
//! context, the ordered steps with a strategy each, the reasons the plan cannot run yet, and the
//! exact Hub calls it would make. Pure: the facts are read by the engine's `OrgIndex`.

mod calls;
mod facts;
mod planner;

pub use calls::hub_calls;
pub use facts::{
    AccessStatus, GatedRepo, HubPlan, MemberFacts, OrgFacts, ScimMode, TokenFacts,
    is_person_staying,
};
pub use planner::{Plan, PlanContext, PlannedStep, plan};
