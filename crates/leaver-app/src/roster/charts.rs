//! The numbers behind the dashboard's pictures: time to revoke per week against
//! `LEAVER_REVOKE_TARGET_HOURS`, the cases opened per week by their state now, and each org's
//! orphans and their monthly cost (from the orgs as last read; none before a first read).

use crate::{Leaver, Result};
use leaver_core::CaseId;
use leaver_core::roster::{OrgCost, RevokeWeek, StateWeek, cases_by_state_per_week, revoke_weeks};
use leaver_store::roster::RosterStore;
use time::OffsetDateTime;

/// How many weeks the charts show (the latest ones).
pub const WEEKS: usize = 12;

/// One completed case's time to revoke (the CSV behind the chart).
#[derive(Clone, Debug, serde::Serialize)]
pub struct RevokedCase {
    pub case_id: CaseId,
    #[serde(with = "time::serde::rfc3339")]
    pub completed_at: OffsetDateTime,
    pub hours: f64,
    pub past_target: bool,
}

/// What the charts draw.
#[derive(Clone, Debug, Default)]
pub struct ChartData {
    pub target_hours: f64,
    pub revoke_weeks: Vec<RevokeWeek>,
    pub revoked: Vec<RevokedCase>,
    pub state_weeks: Vec<StateWeek>,
    /// `None` before the orgs were first read.
    pub costs: Option<Vec<OrgCost>>,
}

fn latest<T>(mut all: Vec<T>) -> Vec<T> {
    let skip = all.len().saturating_sub(WEEKS);
    all.drain(..skip);
    all
}

impl Leaver {
    /// The charts' numbers, from the database and the orgs as last read (no Hub call).
    pub async fn chart_data(&self) -> Result<ChartData> {
        let cases = self.store.case_times().await?;
        let target_hours = self.settings.revoke_target_hours as f64;
        let mut revoked: Vec<RevokedCase> = cases
            .iter()
            .filter_map(|c| {
                let hours = c.revoke_hours()?;
                Some(RevokedCase {
                    case_id: c.id,
                    completed_at: c.updated_at,
                    hours,
                    past_target: hours > target_hours,
                })
            })
            .collect();
        revoked.sort_by_key(|c| c.completed_at);
        let costs = self.roster_report_as_last_read().await?.map(|r| r.costs);
        Ok(ChartData {
            target_hours,
            revoke_weeks: latest(revoke_weeks(&cases, target_hours)),
            revoked,
            state_weeks: latest(cases_by_state_per_week(&cases)),
            costs,
        })
    }
}
