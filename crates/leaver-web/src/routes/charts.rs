//! `GET /charts/revoke.csv`: the numbers behind the dashboard's time-to-revoke picture, one
//! completed case a line (case id, completed at, hours, past the target).

use crate::AppState;
use crate::auth::CurrentOperator;
use crate::views::PageError;
use axum::Router;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/charts/revoke.csv", get(revoke_csv))
}

#[tracing::instrument(skip_all)]
async fn revoke_csv(
    _operator: CurrentOperator,
    State(state): State<AppState>,
) -> Result<impl IntoResponse, PageError> {
    let data = state.app.chart_data().await?;
    let mut out = format!(
        "case_id,completed_at,hours,past_target_{}h\n",
        data.target_hours
    );
    for case in &data.revoked {
        let at = case
            .completed_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        out.push_str(&format!(
            "{},{at},{:.2},{}\n",
            case.case_id, case.hours, case.past_target
        ));
    }
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"time-to-revoke.csv\"",
            ),
        ],
        out,
    ))
}
