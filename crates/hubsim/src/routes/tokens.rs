//! Token revocation: per org (`POST /api/organizations/{org}/settings/tokens/revoke`,
//! Enterprise, admin) and everywhere (`POST /api/credentials/revoke`, no auth, always 202).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit::Actor;
use crate::auth::{Caller, find_org, require_org_rank};
use crate::errors::{ApiError, ApiResult};
use crate::extract::{JsonBody, parse_json};
use crate::ids;
use crate::roles;
use crate::state::AppState;

/// Body of the org revoke.
#[derive(Debug, Deserialize)]
pub struct OrgRevoke {
    token: String,
}

/// Revokes a token's access to one org: it then gets 403 on that org's endpoints and
/// `securityRestrictions: ["token-revoked"]` in whoami-v2. Undocumented answers, chosen:
/// `200 {"success": true}` (also when already revoked, so retries are harmless), 404 for a
/// value matching no token, 400 for one's own token or a value not starting with `hf_`,
/// 402 below Enterprise.
pub async fn revoke_in_org(
    State(state): State<AppState>,
    caller: Caller,
    Path(org_name): Path<String>,
    JsonBody(body): JsonBody<OrgRevoke>,
) -> ApiResult<Json<Value>> {
    let identity = caller.writer()?;
    let mut world = state.world();
    let org = find_org(&world, &org_name)?;
    require_org_rank(org, identity, roles::ADMIN)?;
    if !org.plan.is_enterprise() {
        return Err(ApiError::new(
            StatusCode::PAYMENT_REQUIRED,
            "Token management requires an Enterprise plan",
        ));
    }
    if !body.token.starts_with("hf_") {
        return Err(ApiError::bad_request("token must match ^hf_"));
    }
    if body.token == identity.token {
        return Err(ApiError::bad_request("You cannot revoke your own token"));
    }
    let owner = world
        .token(&body.token)
        .map(|t| t.user.clone())
        .ok_or_else(|| ApiError::not_found("Token not found"))?;
    let org = world
        .org_mut(&org_name)
        .ok_or_else(|| ApiError::not_found("Organization not found"))?;
    if !org.revoked_tokens.contains(&body.token) {
        org.revoked_tokens.push(body.token.clone());
        let data = json!({"user": owner, "tokenId": ids::token_id(&body.token)});
        let message = format!("Revoked a token of {owner} for {org_name}");
        let kind = "org.token_approval.authorization_request.revoked";
        world.record(&org_name, kind, Actor::User(identity), data, message);
    }
    Ok(Json(json!({"success": true})))
}

/// Body of the global revoke.
#[derive(Debug, Deserialize)]
pub struct CredentialsRevoke {
    #[serde(default)]
    credentials: Vec<String>,
}

/// Deletes the listed tokens for good; they then get 401 everywhere. Needs no auth and
/// always answers 202 (even for unknown values or a bad body), so it cannot be used to
/// probe which tokens exist. No audit event: the tokens belong to users, not to an org.
pub async fn revoke_everywhere(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    if let Ok(request) = parse_json::<CredentialsRevoke>(&body) {
        let mut world = state.world();
        world
            .seed
            .tokens
            .retain(|t| !request.credentials.contains(&t.value));
        world.reindex();
    }
    (StatusCode::ACCEPTED, Json(json!({}))).into_response()
}
