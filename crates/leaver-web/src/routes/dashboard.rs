//! `GET /`: cases by state, steps waiting for an approver (and for how long), steps waiting on
//! the Hub (retrying: since when, last error, next try), and steps that need an operator
//! (failed for good, waiting for a manual action, rejected) with every blocked case, each with
//! why (the blocked reason, the Hub's error, the approver's reason), and recent drift (access that came
//! back after a case completed, with the follow-up case).

use crate::AppState;
use crate::auth::CurrentOperator;
use crate::views::{Chrome, PageError, age};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use leaver_app::drift::DriftView;
use leaver_app::model::{RetryingStep, StepRef, WaitingApproval};
use leaver_app::reports::Attention;
use time::OffsetDateTime;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(dashboard))
}

/// An approver's open link as a dashboard row.
struct ApprovalRow {
    approval: WaitingApproval,
    age: String,
    expires: String,
}

/// What needs an operator, as a dashboard row.
struct AttentionRow {
    item: Attention,
    age: String,
}

/// A step as a dashboard row.
struct StepRow {
    step: StepRef,
    age: String,
}

/// A step waiting on the Hub as a dashboard row.
struct RetryRow {
    step: RetryingStep,
    since: String,
    next: String,
}

impl RetryRow {
    fn from(step: RetryingStep) -> RetryRow {
        RetryRow {
            since: crate::views::when(step.since),
            next: step
                .next_retry_at
                .map_or_else(|| "now".to_owned(), crate::views::when),
            step,
        }
    }
}

/// A drift as a dashboard row.
pub(crate) struct DriftRow {
    pub drift: DriftView,
    pub detected: String,
}

impl DriftRow {
    pub(crate) fn from(drift: DriftView) -> DriftRow {
        DriftRow {
            detected: crate::views::when(drift.detected_at),
            drift,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    counts: Vec<(&'static str, i64)>,
    approvals: Vec<ApprovalRow>,
    awaiting: Vec<StepRow>,
    attention: Vec<AttentionRow>,
    retrying: Vec<RetryRow>,
    drift: Vec<DriftRow>,
    /// The pictures (time to revoke, cases by state, orphans' cost), with their tables.
    charts: crate::charts::DashboardCharts,
}

fn rows(steps: Vec<StepRef>, now: OffsetDateTime) -> Vec<StepRow> {
    steps
        .into_iter()
        .map(|step| StepRow {
            age: age(step.since, now),
            step,
        })
        .collect()
}

#[tracing::instrument(skip_all)]
async fn dashboard(
    operator: CurrentOperator,
    State(state): State<AppState>,
) -> Result<Dashboard, PageError> {
    let now = state.app.now();
    let picture = state.app.dashboard().await?;
    let charts = crate::charts::DashboardCharts::of(&state.app.chart_data().await?);
    Ok(Dashboard {
        chrome: Chrome::from(&operator),
        counts: picture
            .counts
            .into_iter()
            .map(|(s, n)| (s.as_str(), n))
            .collect(),
        approvals: picture
            .approvals
            .into_iter()
            .map(|approval| ApprovalRow {
                age: age(approval.since, now),
                expires: crate::views::when(approval.expires_at),
                approval,
            })
            .collect(),
        awaiting: rows(picture.awaiting, now),
        attention: picture
            .attention
            .into_iter()
            .map(|item| AttentionRow {
                age: age(item.since, now),
                item,
            })
            .collect(),
        retrying: picture.retrying.into_iter().map(RetryRow::from).collect(),
        drift: picture.drift.into_iter().map(DriftRow::from).collect(),
        charts,
    })
}
