//! `POST /api/v1/cases/{id}/cancel` (optional body `{"reason": "..."}`): steps that have not
//! started will not run. A case already completed or cancelled answers 409.

use super::dto::{CancelBody, CaseBody, ErrorBody};
use super::show::case_id;
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use leaver_app::model::Actor;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases/{id}/cancel", post(cancel))
}

/// Cancel a case.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/cancel", tag = "cases",
    params(("id" = String, Path, description = "The case id (a UUID)")),
    request_body(content = Option<CancelBody>, description = "Why (optional)"),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The cancelled case", body = CaseBody),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
        (status = 409, description = "The case is already closed", body = ErrorBody),
        (status = 422, description = "The reason is too long or holds control characters", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(client = %client.name, case_id = %id))]
pub(crate) async fn cancel(
    client: ApiClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<CaseBody>, AppError> {
    let id = case_id(&id)?;
    let body: CancelBody = if body.iter().all(u8::is_ascii_whitespace) {
        CancelBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            AppError::BadRequest(format!("the body is not a valid cancel request: {e}"))
        })?
    };
    let actor = Actor::api(&client.name);
    let case = state.app.cancel(id, body.reason.as_deref(), &actor).await?;
    Ok(Json(CaseBody::from(&case)))
}
