//! Gated-repo access requests under `/api/{models|datasets|spaces}/{ns}/{name}/user-access-request/`:
//! list by status, `handle`, `grant` and `cancel`.
//!
//! `grant` and `cancel` live in `access_grants`.
//!
//! Reviewing (list, handle, grant) needs a write token and the `write` or `admin` org role
//! (or `write`/`admin` in the repo's resource group); for a user's repo, the owner.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit::Actor;
use crate::auth::{Caller, Identity, require_org_rank};
use crate::errors::{ApiError, ApiResult};
use crate::extract::{JsonBody, Params};
use crate::ids;
use crate::pagination::{self, LISTS};
use crate::roles;
use crate::routes::repos::visible;
use crate::seed::{AccessRequestSeed, RepoSeed, RepoType, RequestStatus};
use crate::state::{AppState, World};

const DEFAULT_TIMESTAMP: &str = "2026-01-01T00:00:00.000Z";

/// The repo addressed by the path: its type (from the first segment) and `ns/name`.
pub(crate) struct Target {
    pub(crate) repo_type: RepoType,
    pub(crate) id: String,
}

pub(crate) fn target(uri: &Uri, ns: &str, name: &str) -> ApiResult<Target> {
    let segment = uri.path().split('/').nth(2).unwrap_or("");
    let repo_type = RepoType::from_plural(segment).ok_or_else(ApiError::repo_not_found)?;
    Ok(Target {
        repo_type,
        id: format!("{ns}/{name}"),
    })
}

/// The repo if the caller can see it: otherwise RepoNotFound, as 401 for anonymous
/// callers (the Hub hides private repos that way) and 404 for others.
pub(crate) fn find_repo<'a>(
    world: &'a World,
    caller: &Caller,
    target: &Target,
) -> ApiResult<&'a RepoSeed> {
    match world.repo(target.repo_type, &target.id) {
        Some(repo) if visible(world, caller, repo) => Ok(repo),
        _ if caller.0.is_none() => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Repository not found",
        )
        .with_code("RepoNotFound")),
        _ => Err(ApiError::repo_not_found()),
    }
}

/// Checks that the caller may review requests on `repo`, and that it is gated.
pub(crate) fn require_reviewer(
    world: &World,
    identity: &Identity,
    repo: &RepoSeed,
) -> ApiResult<()> {
    match world.org(repo.namespace()) {
        Some(org) => {
            let rg_ok = org.member(&identity.user).is_some_and(|m| {
                m.resource_groups.iter().any(|g| {
                    repo.resource_group.as_deref() == Some(&g.name)
                        && roles::rank(&g.role) >= roles::WRITE
                })
            });
            if !rg_ok || org.revoked_tokens.contains(&identity.token) {
                require_org_rank(org, identity, roles::WRITE)?;
            }
        }
        None if repo.namespace() == identity.user => {}
        None => {
            return Err(ApiError::forbidden(
                "You don't have write access to this repository",
            ));
        }
    }
    if !repo.gated.is_on() {
        return Err(ApiError::bad_request("This repository is not gated"));
    }
    Ok(())
}

/// `GET .../user-access-request/{status}`: the requests with that status, oldest first.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    Path((ns, name, status)): Path<(String, String, String)>,
    params: Params,
) -> ApiResult {
    let target = target(&uri, &ns, &name)?;
    let world = state.world();
    let repo = find_repo(&world, &caller, &target)?;
    require_reviewer(&world, caller.writer()?, repo)?;
    let status = RequestStatus::parse(&status)
        .ok_or_else(|| ApiError::bad_request(format!("Invalid status: {status}")))?;
    let keyed = repo
        .access_requests
        .iter()
        .filter(|r| r.status == status)
        .map(|r| {
            let timestamp = r.timestamp.as_deref().unwrap_or(DEFAULT_TIMESTAMP);
            (format!("{timestamp}|{}", r.user), item(&world, repo, r))
        })
        .collect();
    pagination::list(keyed, &params, LISTS)
}

fn item(world: &World, repo: &RepoSeed, request: &AccessRequestSeed) -> Value {
    let user = world.user(&request.user);
    let mut who = json!({
        "user": request.user,
        "fullname": user.map_or(request.user.as_str(), |u| u.fullname.as_str()),
    });
    // Requests granted by an admin carry no email, as on the Hub.
    if let Some(email) = user
        .and_then(|u| u.email.clone())
        .filter(|_| !request.granted)
    {
        who["email"] = email.into();
    }
    let mut body = json!({
        "requestId": ids::request_id(&repo.id, &request.user),
        "user": who,
        "status": request.status.as_str(),
        "timestamp": request.timestamp.as_deref().unwrap_or(DEFAULT_TIMESTAMP),
    });
    if let Some(fields) = &request.fields {
        body["fields"] = fields.clone();
    }
    body
}

/// Body of `handle`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Handle {
    user: Option<String>,
    request_id: Option<String>,
    user_id: Option<String>,
    status: String,
    rejection_reason: Option<String>,
}

/// `POST .../user-access-request/handle`: set a request's status. 404 when no such
/// request exists or it already has that status. Answers 200 with an empty body: the Hub
/// documents none and huggingface_hub reads none, so clients must not rely on one.
pub async fn handle(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    Path((ns, name)): Path<(String, String)>,
    JsonBody(body): JsonBody<Handle>,
) -> ApiResult<Response> {
    let target = target(&uri, &ns, &name)?;
    let mut world = state.world();
    let repo = find_repo(&world, &caller, &target)?;
    let identity = caller.writer()?;
    require_reviewer(&world, identity, repo)?;
    let status = RequestStatus::parse(&body.status)
        .ok_or_else(|| ApiError::bad_request(format!("Invalid status: {}", body.status)))?;
    if let Some(reason) = &body.rejection_reason {
        if status != RequestStatus::Rejected {
            return Err(ApiError::bad_request(
                "rejectionReason is only allowed with status rejected",
            ));
        }
        if reason.chars().count() > 200 {
            return Err(ApiError::bad_request(
                "rejectionReason must be at most 200 characters",
            ));
        }
    }
    let keys = [&body.user, &body.request_id, &body.user_id];
    if keys.iter().filter(|k| k.is_some()).count() != 1 {
        return Err(ApiError::bad_request(
            "Give exactly one of user, requestId or userId",
        ));
    }
    let found = repo.access_requests.iter().position(|r| {
        body.user.as_deref() == Some(&r.user)
            || body.request_id.as_deref() == Some(&ids::request_id(&repo.id, &r.user))
            || body.user_id.as_deref() == Some(&ids::user_id(&r.user))
    });
    let index =
        found.ok_or_else(|| ApiError::not_found("No access request found for this user"))?;
    if repo.access_requests[index].status == status {
        return Err(ApiError::not_found(format!(
            "The request is already {}",
            status.as_str()
        )));
    }
    let repo = world
        .repo_mut(target.repo_type, &target.id)
        .ok_or_else(ApiError::repo_not_found)?;
    let user = repo.access_requests[index].user.clone();
    repo.access_requests[index].status = status;
    let data = json!({"repo": target.id, "user": user, "status": status.as_str(), "rejectionReason": body.rejection_reason});
    let message = format!(
        "Set access request of {user} on {} to {}",
        target.id,
        status.as_str()
    );
    world.record(
        &ns,
        "repo.user_access_request.handle",
        Actor::User(identity),
        data,
        message,
    );
    Ok(StatusCode::OK.into_response())
}
