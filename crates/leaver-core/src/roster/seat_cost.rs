//! Seat cost: the price of a seat per plan (configurable; the defaults are the Hub's public
//! price list, Team $20 and Enterprise $50 per user per month) and what an org pays each month
//! for its orphans and pending invitations.

use super::reconcile::{Finding, FindingKind};
use crate::plan::{HubPlan, OrgFacts};
use serde::{Deserialize, Serialize};

/// Dollars per user per month, per plan. Free and Academia orgs pay nothing per seat;
/// Enterprise Plus (`plus`) is priced as Enterprise.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeatPrices {
    pub team: f64,
    pub enterprise: f64,
}

impl Default for SeatPrices {
    fn default() -> SeatPrices {
        SeatPrices {
            team: 20.0,
            enterprise: 50.0,
        }
    }
}

impl SeatPrices {
    /// The price of one seat on `plan`.
    pub fn per_seat(&self, plan: HubPlan) -> f64 {
        match plan {
            HubPlan::Team => self.team,
            HubPlan::Enterprise | HubPlan::Plus => self.enterprise,
            HubPlan::Free | HubPlan::Academia => 0.0,
        }
    }
}

/// One org's seats and what its orphans and pending invitations cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrgCost {
    pub org: String,
    pub plan: HubPlan,
    pub seat_price: f64,
    pub members: usize,
    pub orphans: usize,
    /// `None` when the Hub shows the org's invitations to nobody (only Basic-SSO SCIM does).
    pub invitations: Option<usize>,
    /// `seat_price × (orphans + invitations)`.
    pub monthly_cost: f64,
}

impl OrgCost {
    /// The cost of `org` from its `findings` (dismissed rows left out by the caller).
    pub fn of(org: &OrgFacts, seat_price: f64, findings: &[Finding]) -> OrgCost {
        let count = |kind| {
            findings
                .iter()
                .filter(|f| f.org == org.name && f.kind == kind)
                .count()
        };
        let orphans = count(FindingKind::Orphan);
        let invitations = org
            .invitations
            .as_ref()
            .map(|_| count(FindingKind::PendingInvitation));
        OrgCost {
            org: org.name.clone(),
            plan: org.plan,
            seat_price,
            members: org.members.len(),
            orphans,
            invitations,
            monthly_cost: seat_price * (orphans + invitations.unwrap_or(0)) as f64,
        }
    }
}
