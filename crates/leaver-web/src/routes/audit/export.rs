//! `GET /audit/export?from=&to=&format=`: evidence for every case touched in a period. `from`
//! and `to` are dates (`2026-11-01`, `to` included) or RFC 3339 times; by default the last 30
//! days. A bad or reversed bound is a 422 naming it.

use crate::AppState;
use crate::auth::CurrentOperator;
use crate::routes::cases::evidence::{format, respond};
use crate::views::PageError;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use leaver_app::evidence::period::period;
use serde::Deserialize;
use time::Duration;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit/export", get(export))
}

#[derive(Debug, Default, Deserialize)]
struct Period {
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

#[tracing::instrument(skip_all)]
async fn export(
    _operator: CurrentOperator,
    State(state): State<AppState>,
    Query(query): Query<Period>,
) -> Result<Response, PageError> {
    let format = format(query.format.as_deref())?;
    let scope = period(
        query.from.as_deref(),
        query.to.as_deref(),
        state.app.now(),
        Some(Duration::days(30)),
    )
    .map_err(|field| crate::AppError::Validation(vec![field]))?;
    respond(&state, scope, format, "evidence-period").await
}
