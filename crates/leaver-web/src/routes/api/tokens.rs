//! `POST /api/v1/cases/{id}/tokens` with `{"tokens": ["hf_...", ...]}`: raw Hub tokens of the
//! person leaving, held for the case's `flag_tokens` step (see `leaver_app::tokens` for what is
//! refused and why). The answer names them by fingerprint, never by value.

use super::dto::{ErrorBody, HeldTokensBody, TokensBody};
use super::show::case_id;
use crate::auth::ApiClient;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use leaver_app::model::Actor;

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
    let actor = Actor::api(&client.name);
    let held = state.app.hold_tokens(id, &body.tokens, &actor).await?;
    let answer = HeldTokensBody {
        case_id: id.to_string(),
        added: held.added,
        fingerprints: held.fingerprints,
    };
    Ok((StatusCode::ACCEPTED, Json(answer)))
}
