//! `POST /api/v1/cases/{id}/tokens/acknowledge`: somebody checked each org's Tokens Management
//! for the leaver's tokens. Recorded on the case with who and when (audited); a `flag_tokens`
//! step waiting for it goes on. 409 when it was recorded already or the case has nothing to
//! acknowledge.

use super::dto::{CaseBody, ErrorBody};
use super::show::case_id;
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use leaver_app::model::Actor;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases/{id}/tokens/acknowledge", post(acknowledge))
}

/// Acknowledge the Tokens Management check.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/tokens/acknowledge", tag = "cases",
    params(("id" = String, Path, description = "The case id (a UUID)")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The case, with `tokens_ack` (who and when)", body = CaseBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
        (status = 409, description = "Acknowledged already, or the case has no tokens step to run", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(client = %client.name, case_id = %id))]
pub(crate) async fn acknowledge(
    client: ApiClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CaseBody>, AppError> {
    let id = case_id(&id)?;
    let case = state
        .app
        .acknowledge_tokens(id, &Actor::api(&client.name))
        .await?;
    Ok(Json(CaseBody::from(&case)))
}
