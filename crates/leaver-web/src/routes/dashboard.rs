//! `GET /`: cases by state, steps waiting for an approver (and for how long), and steps that
//! need an operator (failed for good, waiting for a manual action, rejected).

use crate::auth::CurrentOperator;
use crate::views::{Chrome, PageError, age};
use crate::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use leaver_core::StepState;
use leaver_store::StepRef;
use time::OffsetDateTime;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(dashboard))
}

/// A step as a dashboard row.
struct StepRow {
    step: StepRef,
    age: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    counts: Vec<(&'static str, i64)>,
    awaiting: Vec<StepRow>,
    attention: Vec<StepRow>,
}

fn rows(steps: Vec<StepRef>, now: OffsetDateTime) -> Vec<StepRow> {
    steps
        .into_iter()
        .map(|step| StepRow { age: age(step.since, now), step })
        .collect()
}

#[tracing::instrument(skip_all)]
async fn dashboard(
    operator: CurrentOperator,
    State(state): State<AppState>,
) -> Result<Dashboard, PageError> {
    let now = OffsetDateTime::now_utc();
    let counts = state.reports.case_counts().await?;
    let awaiting = state
        .reports
        .steps_in_states(&[StepState::AwaitingApproval], 50)
        .await?;
    let attention = state
        .reports
        .steps_in_states(&[StepState::Failed, StepState::WaitingManual, StepState::Rejected], 50)
        .await?;
    Ok(Dashboard {
        chrome: Chrome::from(&operator),
        counts: counts.into_iter().map(|(s, n)| (s.as_str(), n)).collect(),
        awaiting: rows(awaiting, now),
        attention: rows(attention, now),
    })
}
