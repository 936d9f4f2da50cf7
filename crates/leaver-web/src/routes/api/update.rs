//! `PATCH /api/v1/cases/{id}`: HR's changes to a ticket, as a JSON merge patch of
//! `effective_at`, `manager_email`, `successor`, `reason` and `person.name`. Taken until the
//! case's first Hub write (then 409, naming the write); each bad field named in a 422, and
//! nothing changed.

use super::dto::{CaseBody, ErrorBody, TicketPatchBody};
use super::merge_patch::ticket_patch;
use super::show::case_id;
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::patch;
use axum::{Json, Router};
use leaver_app::model::Actor;
use serde_json::Value;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases/{id}", patch(update))
}

/// Change a case's ticket.
///
/// A new `effective_at` reschedules the steps (earlier or later); a new `manager_email` hands
/// the old manager's open approval links to the new manager (the old links then say where the
/// request went) and emails fresh ones; a new `successor` plans a case that was blocked for want
/// of one afresh, or asks the approvers again about promoting the new one. Every change is an
/// audit record naming the API key and the old and new values.
#[utoipa::path(
    patch, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = String, Path, description = "The case id (a UUID)")),
    request_body(content = TicketPatchBody, content_type = "application/merge-patch+json",
        description = "The fields to change; `null` clears one, a missing one stays"),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The case as it is now", body = CaseBody),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
        (status = 409, description = "The case is closed or began writing to the Hub", body = ErrorBody),
        (status = 422, description = "Bad fields, each named; nothing changed", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(client = %client.name, case_id = %id))]
pub(crate) async fn update(
    client: ApiClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<CaseBody>, AppError> {
    let id = case_id(&id)?;
    let body: Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    let (patch, mut errors) = ticket_patch(&body);
    if !errors.is_empty() {
        errors.extend(state.app.patch_errors(id, &patch).await?);
        errors.sort_by_key(|e| e.field);
        return Err(AppError::Validation(errors));
    }
    let actor = Actor::api(&client.name);
    let case = state.app.update_case(id, &patch, &actor).await?;
    Ok(Json(CaseBody::from(&case)))
}
