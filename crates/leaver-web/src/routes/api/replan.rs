//! `POST /api/v1/cases/{id}/replan`: discover and plan the case again from a fresh read of the
//! Hub, before its first write. Steps the read leaves as they were keep their approvals.

use super::dto::{ErrorBody, ReplannedBody};
use super::show::case_id;
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use leaver_app::model::Actor;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases/{id}/replan", post(replan))
}

/// Plan a case again from a fresh read of the Hub.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/replan", tag = "cases",
    params(("id" = String, Path, description = "The case id (a UUID)")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The case re-planned, with how many steps were added and skipped", body = ReplannedBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
        (status = 409, description = "The case began writing to the Hub, or the fresh plan cannot run (why is in the message)", body = ErrorBody),
        (status = 503, description = "The Hub could not be read; nothing changed", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(client = %client.name, case_id = %id))]
pub(crate) async fn replan(
    client: ApiClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ReplannedBody>, AppError> {
    let id = case_id(&id)?;
    let replanned = state.app.replan(id, &Actor::api(&client.name)).await?;
    Ok(Json(ReplannedBody::from(&replanned)))
}
