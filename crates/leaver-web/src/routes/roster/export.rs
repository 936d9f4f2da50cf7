//! `GET /roster.csv`: every reconciliation row (dismissed ones with their reason) as CSV, from
//! the same report as the page (the orgs as last read; no Hub call).

use crate::AppState;
use crate::auth::CurrentOperator;
use crate::views::PageError;
use axum::Router;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/roster.csv", get(export))
}

#[tracing::instrument(skip_all)]
async fn export(
    _operator: CurrentOperator,
    State(state): State<AppState>,
) -> Result<impl IntoResponse, PageError> {
    let report = state.app.roster_report().await?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"roster-report.csv\"",
            ),
        ],
        report.to_csv(),
    ))
}
