//! `POST /api/v1/cases/{id}/tokens` with `{"tokens": ["hf_...", ...]}`: raw Hub tokens of the
//! person leaving (found by a secret scanner, say) for the case's `flag_tokens` step to revoke.
//! They are sealed before they are stored and never shown again: the answer and the audit
//! trail name them by fingerprint.

use super::dto::{ErrorBody, HeldTokensBody, TokensBody};
use super::show::case_id;
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use leaver_core::{FieldError, HubTokenValue};
use leaver_store::{Actor, StoreError};
use time::OffsetDateTime;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases/{id}/tokens", post(hold))
}

/// Hand over raw tokens to revoke.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/tokens", tag = "cases",
    params(("id" = String, Path, description = "The case id (a UUID)")),
    request_body(content = TokensBody, description = "The raw token values"),
    security(("api_key" = [])),
    responses(
        (status = 202, description = "Held; revoked when the case's flag_tokens step runs", body = HeldTokensBody),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
        (status = 409, description = "The case is closed, or its flag_tokens step is approved", body = ErrorBody),
        (status = 422, description = "A value is not a Hub token", body = ErrorBody),
        (status = 503, description = "No secret key to seal tokens with", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(client = %client.name, case_id = %id))]
pub(crate) async fn hold(
    client: ApiClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<HeldTokensBody>), AppError> {
    let id = case_id(&id)?;
    // serde's message would quote the value it choked on, which may be a token.
    let body: TokensBody = serde_json::from_slice(&body).map_err(|_| {
        AppError::BadRequest(r#"the body must be {"tokens": ["hf_...", ...]}"#.into())
    })?;
    let tokens = parse(&body.tokens)?;
    let sealer = state.token_sealer.as_ref().ok_or_else(|| {
        AppError::Unavailable("tokens cannot be held: Leaver has no secret key to seal them".into())
    })?;
    let held = state
        .store
        .hold_tokens(id, &tokens, sealer, &Actor::api(&client.name), OffsetDateTime::now_utc())
        .await
        .map_err(|e| match e {
            StoreError::Domain(why) => AppError::Conflict(format!(
                "{why}: revoke the tokens yourself with POST https://huggingface.co/api/credentials/revoke \
                 (no authentication needed)"
            )),
            other => other.into(),
        })?;
    let answer = HeldTokensBody {
        case_id: id.to_string(),
        added: held.added,
        fingerprints: held.fingerprints,
    };
    Ok((StatusCode::ACCEPTED, Json(answer)))
}

/// Every value parsed, or a 422 saying which items are wrong (without repeating them).
fn parse(raw: &[String]) -> Result<Vec<HubTokenValue>, AppError> {
    if raw.is_empty() {
        return Err(AppError::Validation(vec![FieldError {
            field: "tokens",
            message: "name at least one token".into(),
        }]));
    }
    let mut tokens = Vec::with_capacity(raw.len());
    let mut errors = Vec::new();
    for (n, value) in raw.iter().enumerate() {
        match HubTokenValue::parse(value) {
            Ok(token) => tokens.push(token),
            Err(why) => errors.push(FieldError {
                field: "tokens",
                message: format!("item {} {why}", n + 1),
            }),
        }
    }
    if errors.is_empty() {
        Ok(tokens)
    } else {
        Err(AppError::Validation(errors))
    }
}
