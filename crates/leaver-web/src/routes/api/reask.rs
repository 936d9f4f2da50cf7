//! `POST /api/v1/cases/{id}/reask`: put every rejected step of the case to the approvers again
//! (skip the ones that should not run first). 409 when no step is rejected.

use super::dto::{CaseBody, ErrorBody};
use super::show::case_id;
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use leaver_app::model::Actor;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases/{id}/reask", post(reask))
}

/// Ask the approvers again about the rejected steps.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/reask", tag = "cases",
    params(("id" = String, Path, description = "The case id (a UUID)")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The case, its rejected steps awaiting approval again", body = CaseBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
        (status = 409, description = "No step is rejected, or the case is closed", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(client = %client.name, case_id = %id))]
pub(crate) async fn reask(
    client: ApiClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CaseBody>, AppError> {
    let id = case_id(&id)?;
    let case = state.app.reask(id, &Actor::api(&client.name)).await?;
    Ok(Json(CaseBody::from(&case)))
}
