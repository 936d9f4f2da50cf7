//! Time to revoke: for every completed case, the hours from the ticket's `effective_at` (or the
//! case's opening when it has none) to the clean verify that completed it (the case's last
//! change, `updated_at`, which later acknowledgements keep). Gathered per week of completion
//! (weeks start on Monday, UTC) against a target; and the cases opened per week by their state
//! now, for the "cases by state over time" picture.

use crate::{CaseId, CaseState};
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Date, Duration, OffsetDateTime};

/// The times of one case that these pictures need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseTimes {
    pub id: CaseId,
    pub state: CaseState,
    pub effective_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl CaseTimes {
    /// Hours from the effective time (or the opening) to completion; `None` unless completed.
    /// A case completed before its effective time (run now) counts 0.
    pub fn revoke_hours(&self) -> Option<f64> {
        if self.state != CaseState::Completed {
            return None;
        }
        let from = self.effective_at.unwrap_or(self.created_at);
        Some(((self.updated_at - from).as_seconds_f64() / 3600.0).max(0.0))
    }
}

/// The Monday of `at`'s week (UTC).
pub fn week_of(at: OffsetDateTime) -> Date {
    let date = at.to_offset(time::UtcOffset::UTC).date();
    date - Duration::days(i64::from(date.weekday().number_days_from_monday()))
}

/// One week of completed cases.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RevokeWeek {
    pub week: Date,
    pub cases: usize,
    pub median_hours: f64,
    pub max_hours: f64,
    /// Cases that took longer than the target.
    pub past_target: usize,
}

/// The completed `cases` per week of completion, oldest week first.
pub fn revoke_weeks(cases: &[CaseTimes], target_hours: f64) -> Vec<RevokeWeek> {
    let mut weeks: BTreeMap<Date, Vec<f64>> = BTreeMap::new();
    for case in cases {
        if let Some(hours) = case.revoke_hours() {
            weeks
                .entry(week_of(case.updated_at))
                .or_default()
                .push(hours);
        }
    }
    weeks
        .into_iter()
        .map(|(week, mut hours)| {
            hours.sort_by(f64::total_cmp);
            let n = hours.len();
            let median = if n % 2 == 1 {
                hours[n / 2]
            } else {
                (hours[n / 2 - 1] + hours[n / 2]) / 2.0
            };
            RevokeWeek {
                week,
                cases: n,
                median_hours: median,
                max_hours: hours[n - 1],
                past_target: hours.iter().filter(|h| **h > target_hours).count(),
            }
        })
        .collect()
}

/// The cases opened in one week, by their state now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StateWeek {
    pub week: Date,
    pub states: BTreeMap<CaseState, usize>,
}

impl StateWeek {
    /// How many cases were opened that week.
    pub fn total(&self) -> usize {
        self.states.values().sum()
    }
}

/// The cases per week of opening, by state, oldest week first.
pub fn cases_by_state_per_week(cases: &[CaseTimes]) -> Vec<StateWeek> {
    let mut weeks: BTreeMap<Date, BTreeMap<CaseState, usize>> = BTreeMap::new();
    for case in cases {
        *weeks
            .entry(week_of(case.created_at))
            .or_default()
            .entry(case.state)
            .or_default() += 1;
    }
    weeks
        .into_iter()
        .map(|(week, states)| StateWeek { week, states })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn case(
        state: CaseState,
        effective: Option<OffsetDateTime>,
        created: OffsetDateTime,
        done: OffsetDateTime,
    ) -> CaseTimes {
        CaseTimes {
            id: CaseId::random(),
            state,
            effective_at: effective,
            created_at: created,
            updated_at: done,
        }
    }

    #[test]
    fn hours_run_from_the_effective_time_or_the_opening() {
        let opened = datetime!(2026-11-02 09:00 UTC);
        let done = datetime!(2026-11-03 21:00 UTC);
        assert_eq!(
            case(CaseState::Completed, None, opened, done).revoke_hours(),
            Some(36.0)
        );
        let effective = Some(datetime!(2026-11-03 09:00 UTC));
        assert_eq!(
            case(CaseState::Completed, effective, opened, done).revoke_hours(),
            Some(12.0)
        );
        let later = Some(datetime!(2026-11-04 09:00 UTC));
        assert_eq!(
            case(CaseState::Completed, later, opened, done).revoke_hours(),
            Some(0.0)
        );
        assert_eq!(
            case(CaseState::Running, None, opened, done).revoke_hours(),
            None
        );
    }

    #[test]
    fn weeks_start_on_monday_and_count_cases_past_the_target() {
        let monday = datetime!(2026-11-02 08:00 UTC);
        let cases = [
            case(
                CaseState::Completed,
                None,
                monday,
                monday + Duration::hours(2),
            ),
            case(
                CaseState::Completed,
                None,
                monday,
                monday + Duration::hours(30),
            ),
            case(
                CaseState::Completed,
                None,
                monday,
                monday + Duration::hours(10),
            ),
            case(
                CaseState::Completed,
                None,
                monday,
                monday + Duration::days(8),
            ),
            case(CaseState::Cancelled, None, monday, monday),
        ];
        let weeks = revoke_weeks(&cases, 24.0);
        assert_eq!(weeks.len(), 2);
        assert_eq!(weeks[0].week, date!(2026 - 11 - 02));
        assert_eq!(
            (
                weeks[0].cases,
                weeks[0].median_hours,
                weeks[0].max_hours,
                weeks[0].past_target
            ),
            (3, 10.0, 30.0, 1)
        );
        assert_eq!(weeks[1].week, date!(2026 - 11 - 09));
        assert_eq!(weeks[1].past_target, 1);
        let states = cases_by_state_per_week(&cases);
        assert_eq!(states.len(), 1);
        assert_eq!(states[0].total(), 5);
        assert_eq!(states[0].states[&CaseState::Cancelled], 1);
    }
}
