//! `POST /api/v1/cases/{id}/confirm-nothing-held`: an operator confirms that a leaver Leaver
//! found in none of the managed orgs holds nothing there; the blocked plan (tokens, verify)
//! goes ahead. 409 unless the case waits for exactly that confirmation.

use super::dto::{CaseBody, ErrorBody};
use super::show::case_id;
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use leaver_app::model::Actor;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/cases/{id}/confirm-nothing-held",
        post(confirm_nothing_held),
    )
}

/// Confirm that the leaver holds nothing Leaver can see.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/confirm-nothing-held", tag = "cases",
    params(("id" = String, Path, description = "The case id (a UUID)")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The case, its tokens step put to the approvers", body = CaseBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
        (status = 409, description = "The case does not wait for this confirmation", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(client = %client.name, case_id = %id))]
pub(crate) async fn confirm_nothing_held(
    client: ApiClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CaseBody>, AppError> {
    let id = case_id(&id)?;
    let case = state
        .app
        .confirm_nothing_held(id, &Actor::api(&client.name))
        .await?;
    Ok(Json(CaseBody::from(&case)))
}
