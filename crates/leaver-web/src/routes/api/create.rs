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
use leaver_core::{CaseId, FieldError, Ticket};
use leaver_store::Actor;
use serde_json::Value;
use time::OffsetDateTime;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases", post(create))
}

/// The ticket in `body`, or every reason it is not one.
fn parse_ticket(body: &[u8]) -> Result<Ticket, AppError> {
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    if !json.is_object() {
        return Err(AppError::BadRequest(
            "the body must be a JSON object (a ticket)".into(),
        ));
    }
    let input = ticket_input(&json).map_err(AppError::Validation)?;
    Ticket::parse(&input).map_err(|errors| {
        let fields = errors
            .into_iter()
            .map(|e| FieldError {
                field: json_path(e.field),
                message: e.message,
            })
            .collect();
        AppError::Validation(fields)
    })
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
    let ticket = parse_ticket(&body)?;
    let actor = Actor::api(&client.name);
    // The store keeps milliseconds: answer with the times a later read will show.
    let now = OffsetDateTime::now_utc();
    let now = now.replace_millisecond(now.millisecond()).unwrap_or(now);
    let opened = state
        .store
        .open_case(&ticket, CaseId::random(), &actor, now)
        .await?;
    let status = if opened.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(CaseBody::from(&opened.case))))
}
