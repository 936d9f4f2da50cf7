//! `GET /api/v1/cases/{id}`: one case with its steps and the drift linked to it.

use super::dto::{CaseBody, DriftBody, ErrorBody};
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use leaver_core::CaseId;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases/{id}", get(show))
}

/// A case id from the path; anything that is not one names no case.
pub(crate) fn case_id(raw: &str) -> Result<CaseId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// One case.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = String, Path, description = "The case id (a UUID)")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The case", body = CaseBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
    )
)]
pub(crate) async fn show(
    _client: ApiClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CaseBody>, AppError> {
    let id = case_id(&id)?;
    let case = state.app.case(id).await?;
    let drift = state.app.drift_of(id).await?;
    Ok(Json(CaseBody {
        drift: drift.iter().map(DriftBody::from).collect(),
        ..CaseBody::from(&case)
    }))
}
