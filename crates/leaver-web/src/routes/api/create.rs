//! `POST /api/v1/cases`: open a case from a ticket. 201 with the case when created, 200 with the
//! same case when the same ticket was sent before, 409 when the `external_id` is taken by a
//! different ticket, 422 naming every bad field (and nothing written).

use super::dto::{CaseBody, ErrorBody, TicketBody, json_path, ticket_input};
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use leaver_app::model::Actor;
use leaver_core::{FieldError, TicketInput};
use serde_json::Value;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases", post(create))
}

/// The ticket's fields in `body`, or every field that is not text where text belongs.
pub(super) fn parse_input(body: &[u8]) -> Result<TicketInput, AppError> {
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    if !json.is_object() {
        return Err(AppError::BadRequest(
            "the body must be a JSON object (a ticket)".into(),
        ));
    }
    ticket_input(&json).map_err(AppError::Validation)
}

/// The ticket's `run_now` (absent or `null`: false), or a 422 naming it when it is not a
/// boolean. `body` is a JSON object ([`parse_input`] checked).
fn run_now(body: &[u8]) -> Result<bool, AppError> {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match json.get("run_now") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(yes)) => Ok(*yes),
        Some(_) => Err(AppError::Validation(vec![FieldError {
            field: "run_now",
            message: "must be true or false".into(),
        }])),
    }
}

/// Names a bad ticket field by its JSON path (`person.email`).
fn by_json_path(error: leaver_app::Error) -> AppError {
    match error {
        leaver_app::Error::Invalid(errors) => AppError::Validation(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: json_path(e.field),
                    message: e.message,
                })
                .collect(),
        ),
        other => other.into(),
    }
}

/// Open a case from an HR ticket.
#[utoipa::path(
    post, path = "/api/v1/cases", tag = "cases",
    request_body = TicketBody,
    security(("api_key" = [])),
    responses(
        (status = 201, description = "Case opened", body = CaseBody),
        (status = 200, description = "The same ticket was sent before: the existing case", body = CaseBody),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 409, description = "external_id already used by a different ticket", body = ErrorBody),
        (status = 422, description = "Invalid fields, each named", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(client = %client.name))]
pub(crate) async fn create(
    client: ApiClient,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<CaseBody>), AppError> {
    let input = parse_input(&body)?;
    let run_now = run_now(&body)?;
    let actor = Actor::api(&client.name);
    let opened = state
        .app
        .open_case_run_now(&input, run_now, &actor)
        .await
        .map_err(by_json_path)?;
    let status = if opened.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(CaseBody::from(&opened.case))))
}
