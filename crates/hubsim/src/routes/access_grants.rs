//! `POST .../user-access-request/grant` (an admin grants access without a request) and
//! `POST .../user-access-request/cancel` (a requester withdraws their own request).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::Uri;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit::Actor;
use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::ids;
use crate::routes::access_requests::{find_repo, require_reviewer, target};
use crate::seed::{AccessRequestSeed, RequestStatus};
use crate::state::{AppState, now_iso};

/// Body of `grant`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    user: Option<String>,
    user_id: Option<String>,
}

/// `POST .../user-access-request/grant`: accept a user without a request. 400 if they
/// already have access. Answers JSON (huggingface_hub calls `response.json()`).
pub async fn grant(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    Path((ns, name)): Path<(String, String)>,
    JsonBody(body): JsonBody<Grant>,
) -> ApiResult<Json<Value>> {
    let target = target(&uri, &ns, &name)?;
    let mut world = state.world();
    let repo = find_repo(&world, &caller, &target)?;
    let identity = caller.writer()?;
    require_reviewer(&world, identity, repo)?;
    let user = match (&body.user, &body.user_id) {
        (Some(user), None) => world.user(user).map(|u| u.username.clone()),
        (None, Some(id)) => world
            .seed
            .users
            .iter()
            .find(|u| &ids::user_id(&u.username) == id)
            .map(|u| u.username.clone()),
        _ => return Err(ApiError::bad_request("Give exactly one of user or userId")),
    };
    let user = user.ok_or_else(|| ApiError::not_found("User not found"))?;
    let repo = world
        .repo_mut(target.repo_type, &target.id)
        .ok_or_else(ApiError::repo_not_found)?;
    match repo.access_requests.iter_mut().find(|r| r.user == user) {
        Some(r) if r.status == RequestStatus::Accepted => {
            return Err(ApiError::bad_request(format!(
                "{user} already has access to this repository"
            )));
        }
        Some(r) => {
            r.status = RequestStatus::Accepted;
            r.granted = true;
        }
        None => repo.access_requests.push(AccessRequestSeed {
            user: user.clone(),
            status: RequestStatus::Accepted,
            timestamp: Some(now_iso()),
            fields: None,
            granted: true,
        }),
    }
    let data = json!({"repo": target.id, "user": user, "status": "accepted"});
    let message = format!("Granted {user} access to {}", target.id);
    world.record(
        &ns,
        "repo.user_access_request.grant",
        Actor::User(identity),
        data,
        message,
    );
    Ok(Json(json!({"success": true})))
}

/// `POST .../user-access-request/cancel`: the caller withdraws their own pending or
/// accepted request (404 if they have none). Answers `{"success": true}`.
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    Path((ns, name)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let target = target(&uri, &ns, &name)?;
    let mut world = state.world();
    let repo = find_repo(&world, &caller, &target)?;
    let identity = caller.writer()?;
    if !repo.gated.is_on() {
        return Err(ApiError::bad_request("This repository is not gated"));
    }
    let repo = world
        .repo_mut(target.repo_type, &target.id)
        .ok_or_else(ApiError::repo_not_found)?;
    let index = repo
        .access_requests
        .iter()
        .position(|r| r.user == identity.user && r.status != RequestStatus::Rejected)
        .ok_or_else(|| ApiError::not_found("You have no access request to cancel"))?;
    repo.access_requests.remove(index);
    let data = json!({"repo": target.id, "user": identity.user});
    let message = format!(
        "{} cancelled their access request on {}",
        identity.user, target.id
    );
    world.record(
        &ns,
        "repo.user_access_request.cancel",
        Actor::User(identity),
        data,
        message,
    );
    Ok(Json(json!({"success": true})))
}
