//! `POST /api/v1/cases/{id}/tokens` with `{"tokens": ["hf_...", ...]}`: raw Hub tokens of the
//! person leaving (found by a secret scanner, say) for the case's `flag_tokens` step, which
//! revokes those the Hub says are the leaver's. They are sealed before they are stored and
//! never shown again: the answer and the audit trail name them by fingerprint. Leaver's own
//! Hub token is refused, and so are more than [`MAX_PER_REQUEST`] tokens at once or more than
//! [`MAX_TOKENS_PER_CASE`](leaver_store::held_tokens::MAX_TOKENS_PER_CASE) for one case.

use super::dto::{ErrorBody, HeldTokensBody, TokensBody};
use super::show::case_id;
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use leaver_core::{DomainError, FieldError, HubTokenValue};
use leaver_store::{Actor, StoreError, TokenSealer};
use time::OffsetDateTime;

/// At most this many tokens in one request.
pub const MAX_PER_REQUEST: usize = 20;

/// The field names of the items: `FieldError` takes `&'static str`, and a request holds at most
/// [`MAX_PER_REQUEST`] of them.
#[rustfmt::skip]
const ITEM_FIELDS: [&str; MAX_PER_REQUEST] = [
    "tokens[0]", "tokens[1]", "tokens[2]", "tokens[3]", "tokens[4]", "tokens[5]", "tokens[6]",
    "tokens[7]", "tokens[8]", "tokens[9]", "tokens[10]", "tokens[11]", "tokens[12]",
    "tokens[13]", "tokens[14]", "tokens[15]", "tokens[16]", "tokens[17]", "tokens[18]",
    "tokens[19]",
];

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/cases/{id}/tokens", post(hold))
}

/// Hand over raw tokens to revoke.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/tokens", tag = "cases",
    params(("id" = String, Path, description = "The case id (a UUID)")),
    request_body(content = TokensBody, description = "The raw token values, at most 20 per request and 100 per case"),
    security(("api_key" = [])),
    responses(
        (status = 202, description = "Held; the case's flag_tokens step revokes those the Hub says are the leaver's", body = HeldTokensBody),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 404, description = "No such case", body = ErrorBody),
        (status = 409, description = "The case is closed, or its flag_tokens step is approved", body = ErrorBody),
        (status = 422, description = "A value is not a Hub token or is Leaver's own (`tokens[i]`), or there are too many (`tokens`)", body = ErrorBody),
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
    let sealer = state.token_sealer.as_ref().ok_or_else(|| {
        AppError::Unavailable("tokens cannot be held: Leaver has no secret key to seal them".into())
    })?;
    let tokens = parse(&body.tokens, sealer)?;
    let held = state
        .store
        .hold_tokens(id, &tokens, sealer, &Actor::api(&client.name), OffsetDateTime::now_utc())
        .await
        .map_err(|e| match e {
            StoreError::Domain(
                why @ (DomainError::IllegalCaseTransition { .. }
                | DomainError::IllegalStepTransition { .. }),
            ) => AppError::Conflict(format!(
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

/// Every value parsed, or a 422 naming the wrong items (without repeating them).
fn parse(raw: &[String], sealer: &TokenSealer) -> Result<Vec<HubTokenValue>, AppError> {
    let whole_list = |message: String| {
        AppError::Validation(vec![FieldError {
            field: "tokens",
            message,
        }])
    };
    if raw.is_empty() {
        return Err(whole_list("name at least one token".into()));
    }
    if raw.len() > MAX_PER_REQUEST {
        return Err(whole_list(format!(
            "at most {MAX_PER_REQUEST} tokens per request, got {}",
            raw.len()
        )));
    }
    let mut tokens = Vec::with_capacity(raw.len());
    let mut errors = Vec::new();
    for (value, field) in raw.iter().zip(ITEM_FIELDS) {
        let message = match HubTokenValue::parse(value) {
            Ok(token) if sealer.is_leavers_own(&token) => {
                "is Leaver's own Hub token, which is never revoked".to_owned()
            }
            Ok(token) => {
                tokens.push(token);
                continue;
            }
            Err(why) => why,
        };
        errors.push(FieldError { field, message });
    }
    if errors.is_empty() {
        Ok(tokens)
    } else {
        Err(AppError::Validation(errors))
    }
}
