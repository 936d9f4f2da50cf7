//! `POST /api/v1/hooks/{source}`: signed HR webhooks. No API key: the `Leaver-Signature`
//! header is the authentication (see `leaver_app::hooks::signature`). Unknown source 404, a
//! missing, bad or stale signature 401, an event id accepted before 409, a body that is not a
//! JSON object 400, bad fields 422 naming each; none of these changes anything. Every call is
//! noted (method, path, status, a short outcome; never the body) for the settings page.

use super::dto::{CaseBody, ErrorBody, json_path, ticket_input};
use super::merge_patch::ticket_patch;
use crate::AppState;
use crate::error::{AppError, invalid_input};
use axum::body::{Body, to_bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use leaver_app::hooks::envelope::{Envelope, EventType};
use leaver_app::hooks::{
    Channel, Delivery, HookAction, HookDone, HookError, InboundCall, UNKNOWN_SOURCE, signature,
};
use leaver_core::FieldError;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

/// The largest body taken, in bytes: a ticket is well under a kilobyte.
pub const MAX_BODY: usize = 64 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/hooks/{source}", post(receive))
}

/// A webhook body.
#[derive(Debug, Serialize, ToSchema)]
pub struct HookEnvelopeBody {
    /// The sender's event id: each is accepted once per source.
    #[schema(example = "evt_01JD4Z8")]
    pub id: String,
    /// `terminated`, `termination_changed` or `rehired`.
    #[serde(rename = "type")]
    #[schema(example = "terminated")]
    pub kind: String,
    /// `terminated`: the ticket, as `POST /api/v1/cases` takes it. `termination_changed`:
    /// `external_id` and the fields to change, as `PATCH /api/v1/cases/{id}` takes them.
    /// `rehired`: `external_id`.
    #[schema(value_type = Object, example = json!({"external_id": "HR-1042", "person": {"email": "bob@acme.test", "hub_username": "bob"}, "manager_email": "carol@acme.test", "effective_at": "2026-12-15"}))]
    pub data: Value,
}

/// Receive a signed event from an HR system.
///
/// `Leaver-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is the HMAC-SHA256 of
/// `"{t}.{body}"` with the source's secret (from `leaver hook create --name SOURCE`). The
/// timestamp must be within five minutes of Leaver's clock; several `v1` values may be sent
/// while a secret is rotated. `terminated` opens a case, `termination_changed` changes its
/// ticket (until the first Hub write), `rehired` cancels it (before any Hub write; after one,
/// 409 and the operators are told). The audit trail names the actor `hook:<source>`.
#[utoipa::path(
    post, path = "/api/v1/hooks/{source}", tag = "hooks",
    params(
        ("source" = String, Path, description = "The hook source's name"),
        ("Leaver-Signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"{t}.{body}\">"),
    ),
    request_body = HookEnvelopeBody,
    security(()),
    responses(
        (status = 201, description = "terminated: case opened", body = CaseBody),
        (status = 200, description = "The case as it is now (updated, cancelled, or opened before for the same ticket)", body = CaseBody),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Missing, malformed, wrong or stale signature", body = ErrorBody),
        (status = 404, description = "No such hook source (or it was revoked)", body = ErrorBody),
        (status = 409, description = "The event id was accepted before; or the case is closed or began writing to the Hub", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 422, description = "Bad fields, each named; nothing changed", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(source = %source))]
pub(crate) async fn receive(
    State(state): State<AppState>,
    Path(source): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (answer, known) = match to_bytes(body, MAX_BODY).await {
        Ok(body) => {
            let header = headers.get(signature::HEADER).and_then(|v| v.to_str().ok());
            deliver(&state, &source, header, &body).await
        }
        Err(_) => (too_large(), true),
    };
    let (name, path) = if known {
        (source.clone(), format!("/api/v1/hooks/{source}"))
    } else {
        (UNKNOWN_SOURCE.to_owned(), "/api/v1/hooks/…".to_owned())
    };
    let outcome = match answer.outcome {
        Some(text) if known => text,
        Some(text) => format!("{text} ({source:?})"),
        None => "internal error".into(),
    };
    let call = InboundCall {
        channel: Channel::Hook,
        name,
        at: state.app.now(),
        method: "POST".into(),
        path,
        status: answer.response.status().as_u16(),
        outcome,
    };
    state.app.note_inbound_call(call).await;
    answer.response
}

/// A response and the line the settings page shows for it (`None`: an internal error).
struct Answer {
    response: Response,
    outcome: Option<String>,
}

/// Verifies and acts; whether the source is known rides along for the record.
async fn deliver(
    state: &AppState,
    source: &str,
    header: Option<&str>,
    body: &[u8],
) -> (Answer, bool) {
    let delivery = match state.app.verify_hook(source, header, body).await {
        Ok(delivery) => delivery,
        Err(HookError::UnknownSource) => return (refused(HookError::UnknownSource), false),
        Err(error) => return (refused(error), true),
    };
    let answer = match action(&delivery.envelope) {
        Ok(action) => match state.app.act_on_hook(&delivery, action).await {
            Ok(done) => accepted(&delivery, &done),
            Err(error) => refused(error),
        },
        Err(fields) => refused(HookError::Invalid(fields)),
    };
    (answer, true)
}

/// What the event's `data` asks for, or each bad field (named as the REST API names them).
fn action(envelope: &Envelope) -> Result<HookAction, Vec<FieldError>> {
    let data = &envelope.data;
    match envelope.kind {
        EventType::Terminated => {
            let input = ticket_input(data)?;
            let run_now = match data.get("run_now") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(yes)) => *yes,
                Some(_) => return Err(vec![field("run_now", "must be true or false")]),
            };
            Ok(HookAction::Terminated { input, run_now })
        }
        EventType::TerminationChanged => {
            let external_id = external_id(data)?;
            let mut changes = data.clone();
            if let Value::Object(fields) = &mut changes {
                fields.remove("external_id");
            }
            let (patch, errors) = ticket_patch(&changes);
            if !errors.is_empty() {
                return Err(errors);
            }
            Ok(HookAction::TerminationChanged { external_id, patch })
        }
        EventType::Rehired => Ok(HookAction::Rehired {
            external_id: external_id(data)?,
        }),
    }
}

/// `data.external_id`: the HR ticket the event is about.
fn external_id(data: &Value) -> Result<String, Vec<FieldError>> {
    match data.get("external_id") {
        Some(Value::String(id)) if !id.trim().is_empty() => Ok(id.trim().to_owned()),
        _ => Err(vec![field(
            "external_id",
            "must name the HR ticket of the case (text)",
        )]),
    }
}

fn field(name: &'static str, message: &str) -> FieldError {
    FieldError {
        field: name,
        message: message.into(),
    }
}

fn accepted(delivery: &Delivery, done: &HookDone) -> Answer {
    let (status, case) = match done {
        HookDone::Opened(opened) if opened.created => (StatusCode::CREATED, &opened.case),
        HookDone::Opened(opened) => (StatusCode::OK, &opened.case),
        HookDone::Updated(case) | HookDone::Cancelled(case) => (StatusCode::OK, case),
    };
    Answer {
        response: (status, Json(CaseBody::from(case))).into_response(),
        outcome: Some(format!(
            "{} {}: {}",
            delivery.envelope.kind,
            delivery.envelope.id,
            delivery.envelope.kind.done_text(done)
        )),
    }
}

fn refused(error: HookError) -> Answer {
    let error_body = |status: StatusCode, message: String| Answer {
        response: (status, Json(json!({ "error": message }))).into_response(),
        outcome: Some(message),
    };
    match error {
        HookError::UnknownSource => error_body(StatusCode::NOT_FOUND, "no such hook source".into()),
        HookError::Unsigned(why) => error_body(StatusCode::UNAUTHORIZED, why.to_string()),
        HookError::Replayed(message) => error_body(StatusCode::CONFLICT, message),
        HookError::BadRequest(message) => error_body(StatusCode::BAD_REQUEST, message),
        HookError::Invalid(fields) => {
            let fields: Vec<FieldError> = fields
                .into_iter()
                .map(|e| FieldError {
                    field: json_path(e.field),
                    message: e.message,
                })
                .collect();
            let outcome = fields
                .iter()
                .map(|e| e.field)
                .collect::<Vec<_>>()
                .join(", ");
            Answer {
                response: invalid_input(&fields),
                outcome: Some(format!("invalid: {outcome}")),
            }
        }
        HookError::Refused(error) => {
            let outcome = match &error {
                leaver_app::Error::Internal(_) => None,
                other => Some(other.to_string()),
            };
            Answer {
                response: AppError::from(error).into_response(),
                outcome,
            }
        }
    }
}

fn too_large() -> Answer {
    let message = format!("the body is over {} KiB", MAX_BODY / 1024);
    Answer {
        response: (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(json!({ "error": message })),
        )
            .into_response(),
        outcome: Some(message),
    }
}
