//! `POST /api/v1/cases/{id}/steps/{step}/skip` with `{"reason": "..."}`: the step will not run.
//! The reason is required, kept with the step and in the audit trail; the reads of the Hub
//! (`refresh`, `verify`) cannot be skipped.

use super::dto::{CaseBody, ErrorBody, SkipBody};
use super::show::case_id;
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use leaver_app::model::Actor;
use leaver_core::StepId;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases/{id}/steps/{step}/skip", post(skip))
}

/// Skip one step of a case.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/steps/{step}/skip", tag = "cases",
    params(
        ("id" = String, Path, description = "The case id (a UUID)"),
        ("step" = String, Path, description = "The step id (a UUID)"),
    ),
    request_body(content = SkipBody, description = "Why the step is skipped (required)"),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The case with the step skipped", body = CaseBody),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such case or step", body = ErrorBody),
        (status = 409, description = "The step cannot be skipped now (running, done, or a read of the Hub)", body = ErrorBody),
        (status = 422, description = "The reason is missing, too long or holds control characters", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(client = %client.name, case_id = %id))]
pub(crate) async fn skip(
    client: ApiClient,
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<CaseBody>, AppError> {
    let id = case_id(&id)?;
    let step: StepId = step.parse().map_err(|_| AppError::NotFound)?;
    let body: SkipBody = if body.iter().all(u8::is_ascii_whitespace) {
        SkipBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            AppError::BadRequest(format!("the body is not a valid skip request: {e}"))
        })?
    };
    let actor = Actor::api(&client.name);
    let case = state
        .app
        .skip_step(id, step, body.reason.as_deref(), &actor)
        .await?;
    Ok(Json(CaseBody::from(&case)))
}
