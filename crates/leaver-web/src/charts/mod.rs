//! The dashboard's and `/roster`'s pictures, drawn on the server as SVG (no JavaScript):
//! [`geometry`] lays them out (pure, unit-tested), `templates/charts/chart.html` draws them, and
//! each picture comes with the table of its numbers (and a CSV export where it has one).
//!
//! - time to revoke per week: a bar per week (median hours), a point per week (the slowest
//!   case), the `LEAVER_REVOKE_TARGET_HOURS` line;
//! - cases by state over time: the cases opened each week, stacked by their state now;
//! - orphans and pending invitations per org: their monthly seat cost, stacked.

pub mod geometry;

use askama::Template;
use geometry::{BarSpec, Chart, Series};
use leaver_app::roster::ChartData;
use leaver_core::CaseState;
use leaver_core::roster::{OrgCost, RevokeWeek, StateWeek};

/// One chart as SVG, with the `id` tests and links find it by.
#[derive(Template)]
#[template(path = "charts/chart.html")]
struct ChartSvg<'a> {
    chart: &'a Chart,
}

/// `chart` drawn as an SVG figure (HTML, escaped where it holds text).
pub fn svg(chart: &Chart) -> String {
    ChartSvg { chart }.render().unwrap_or_else(|error| {
        tracing::error!(%error, "a chart did not render");
        String::new()
    })
}

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 220.0;

/// A week as its Monday, `Nov 02`.
fn week_label(week: time::Date) -> String {
    format!("{} {:02}", &format!("{:?}", week.month())[..3], week.day())
}

/// Time to revoke per week against the target.
pub fn revoke_chart(weeks: &[RevokeWeek], target_hours: f64) -> Chart {
    BarSpec {
        id: "chart-revoke".into(),
        title: format!(
            "Time to revoke per week (median bar, slowest point, target {target_hours:.0} h)"
        ),
        unit: "hours".into(),
        categories: weeks.iter().map(|w| week_label(w.week)).collect(),
        series: vec![Series {
            name: "hours (median)".into(),
            color: "#3b6fb6",
            values: weeks.iter().map(|w| w.median_hours).collect(),
        }],
        points: weeks.iter().map(|w| Some(w.max_hours)).collect(),
        target: Some(target_hours),
        width: WIDTH,
        height: HEIGHT,
    }
    .layout()
}

/// The colour of a state in the stacked chart.
pub fn state_color(state: CaseState) -> &'static str {
    match state {
        CaseState::Completed => "#2e8b57",
        CaseState::Cancelled => "#9e9e9e",
        CaseState::NeedsAttention => "#d9534f",
        CaseState::Running => "#3b6fb6",
        CaseState::Scheduled => "#7fa7d9",
        CaseState::AwaitingApproval => "#f0ad4e",
        _ => "#b39ddb",
    }
}

/// Cases opened per week, stacked by state now.
pub fn states_chart(weeks: &[StateWeek]) -> Chart {
    let series = CaseState::ALL
        .iter()
        .filter(|s| weeks.iter().any(|w| w.states.contains_key(s)))
        .map(|s| Series {
            name: s.as_str().to_owned(),
            color: state_color(*s),
            values: weeks
                .iter()
                .map(|w| w.states.get(s).copied().unwrap_or(0) as f64)
                .collect(),
        })
        .collect();
    BarSpec {
        id: "chart-states".into(),
        title: "Cases opened per week, by state now".into(),
        unit: "cases".into(),
        categories: weeks.iter().map(|w| week_label(w.week)).collect(),
        series,
        width: WIDTH,
        height: HEIGHT,
        ..BarSpec::default()
    }
    .layout()
}

/// Orphans' and pending invitations' monthly cost per org.
pub fn orphans_chart(costs: &[OrgCost]) -> Chart {
    BarSpec {
        id: "chart-orphans".into(),
        title: "Monthly seat cost of orphans and pending invitations, per org".into(),
        unit: "$ / month".into(),
        categories: costs
            .iter()
            .map(|c| format!("{} ({} orphans)", c.org, c.orphans))
            .collect(),
        series: vec![
            Series {
                name: "orphans".into(),
                color: "#d9534f",
                values: costs
                    .iter()
                    .map(|c| c.seat_price * c.orphans as f64)
                    .collect(),
            },
            Series {
                name: "pending invitations".into(),
                color: "#f0ad4e",
                values: costs
                    .iter()
                    .map(|c| c.seat_price * c.invitations.unwrap_or(0) as f64)
                    .collect(),
            },
        ],
        width: WIDTH,
        height: HEIGHT,
        ..BarSpec::default()
    }
    .layout()
}

/// A state week as a table row: the week, then each state's count.
pub struct StateRow {
    pub week: String,
    pub counts: Vec<(&'static str, usize)>,
    pub total: usize,
}

/// What the dashboard's chart section shows.
pub struct DashboardCharts {
    pub target_hours: f64,
    pub revoke_svg: String,
    pub revoke_weeks: Vec<(String, RevokeWeek)>,
    pub states_svg: String,
    pub state_rows: Vec<StateRow>,
    /// `None` before the orgs were first read.
    pub orphans_svg: Option<String>,
    pub costs: Vec<OrgCost>,
}

impl DashboardCharts {
    pub fn of(data: &ChartData) -> DashboardCharts {
        DashboardCharts {
            target_hours: data.target_hours,
            revoke_svg: svg(&revoke_chart(&data.revoke_weeks, data.target_hours)),
            revoke_weeks: data
                .revoke_weeks
                .iter()
                .map(|w| (week_label(w.week), w.clone()))
                .collect(),
            states_svg: svg(&states_chart(&data.state_weeks)),
            state_rows: data
                .state_weeks
                .iter()
                .map(|w| StateRow {
                    week: week_label(w.week),
                    counts: w.states.iter().map(|(s, n)| (s.as_str(), *n)).collect(),
                    total: w.total(),
                })
                .collect(),
            orphans_svg: data.costs.as_deref().map(|c| svg(&orphans_chart(c))),
            costs: data.costs.clone().unwrap_or_default(),
        }
    }
}
