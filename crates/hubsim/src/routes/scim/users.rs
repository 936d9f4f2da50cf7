//! SCIM Users: the view of an org's people as SCIM resources, list, show, create, delete.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::provisioning;
use super::{USER_SCHEMA, authorize, base_url, filtered_list, mode_of, scim_bool};
use crate::errors::{ApiError, ApiResult};
use crate::extract::{JsonBody, Params};
use crate::ids;
use crate::seed::{OrgSeed, ScimMode, ScimUserSeed, UserSeed};
use crate::state::{AppState, World};

/// One person as a SCIM user of one org.
#[derive(Debug, Clone)]
pub(crate) struct ScimUser {
    pub username: String,
    pub id: String,
    pub external_id: Option<String>,
    /// Member (or, on basic SSO, invited).
    pub active: bool,
}

/// Everyone the org's SCIM base knows: members, invitations (basic only) and deactivated
/// users SCIM provisioned, ordered by username.
pub(crate) fn all(org: &OrgSeed, mode: ScimMode) -> Vec<ScimUser> {
    let mut names: Vec<&str> = org.members.iter().map(|m| m.user.as_str()).collect();
    if mode == ScimMode::Basic {
        names.extend(org.invitations.iter().map(|i| i.user.as_str()));
    }
    names.extend(org.scim_users.iter().map(|s| s.user.as_str()));
    names.sort_unstable();
    names.dedup();
    names.into_iter().map(|name| one(org, mode, name)).collect()
}

fn one(org: &OrgSeed, mode: ScimMode, username: &str) -> ScimUser {
    let invited = mode == ScimMode::Basic && org.invitations.iter().any(|i| i.user == username);
    ScimUser {
        username: username.to_string(),
        id: ids::scim_user_id(&org.name, username),
        external_id: org
            .scim_users
            .iter()
            .find(|s| s.user == username)
            .and_then(|s| s.external_id.clone()),
        active: org.member(username).is_some() || invited,
    }
}

/// The SCIM user with this id, or a SCIM 404.
pub(crate) fn find(org: &OrgSeed, mode: ScimMode, id: &str) -> ApiResult<ScimUser> {
    let not_found = || ApiError::not_found(format!("User {id} not found")).scim();
    // Fast path: ids map back to (org, user) without scanning the org.
    if let Some((kind, parts)) = ids::parts_of(id)
        && kind == "scim-user"
        && let [org_name, user] = parts.as_slice()
    {
        let known = org_name == &org.name
            && (org.member(user).is_some()
                || (mode == ScimMode::Basic && org.invitations.iter().any(|i| &i.user == user))
                || org.scim_users.iter().any(|s| &s.user == user));
        return if known {
            Ok(one(org, mode, user))
        } else {
            Err(not_found())
        };
    }
    all(org, mode)
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(not_found)
}

/// The User resource.
pub(crate) fn render(world: &World, user: &ScimUser, base: &str) -> Value {
    let account = world.user(&user.username);
    let fullname = account.map_or("", |u| u.fullname.as_str());
    let (given, family) = fullname.split_once(' ').unwrap_or((fullname, ""));
    let emails: Vec<Value> = account
        .and_then(|u| u.email.clone())
        .map(|e| json!({"value": e, "primary": true, "type": "work"}))
        .into_iter()
        .collect();
    json!({
        "schemas": [USER_SCHEMA],
        "id": user.id,
        "externalId": user.external_id,
        "userName": user.username,
        "displayName": user.username,
        "name": {"givenName": given, "familyName": family, "formatted": fullname},
        "emails": emails,
        "active": user.active,
        "meta": {"resourceType": "User", "location": format!("{base}/Users/{}", user.id)},
    })
}

/// `GET .../Users` with `filter` on `id`, `userName`, `externalId` or `emails`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(org): Path<String>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mode = mode_of(&uri);
    let world = state.world();
    let (org, _) = authorize(&world, &headers, &org, mode, false)?;
    filtered_list(
        &params,
        &["id", "username", "externalid", "emails", "emails.value"],
        all(org, mode),
        |f, u| match f.attr.as_str() {
            "id" => f.matches(Some(&u.id)),
            "username" => f.matches(Some(&u.username)),
            "externalid" => f.matches(u.external_id.as_deref()),
            _ => f.matches(world.user(&u.username).and_then(|a| a.email.as_deref())),
        },
        |u, base| render(&world, &u, base),
    )
}

/// `GET .../Users/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((org, id)): Path<(String, String)>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let mode = mode_of(&uri);
    let world = state.world();
    let (org, _) = authorize(&world, &headers, &org, mode, false)?;
    let user = find(org, mode, &id)?;
    Ok(Json(render(&world, &user, &base_url(params.self_url()))))
}

/// `POST .../Users`: on a managed org, creates an org-owned account and its membership;
/// on a basic org, invites an existing account. 409 if already provisioned here.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(org_name): Path<String>,
    params: Params,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Response> {
    let mode = mode_of(&uri);
    let mut world = state.world();
    let (org, caller) = authorize(&world, &headers, &org_name, mode, true)?;
    let bad = |m: &str| ApiError::bad_request(m.to_string()).scim();
    let username = body["userName"]
        .as_str()
        .ok_or_else(|| bad("userName is required"))?
        .to_string();
    let external_id = body["externalId"].as_str().map(str::to_string);
    let email = body["emails"][0]["value"].as_str().map(str::to_string);
    let active = body
        .get("active")
        .map_or(Some(true), scim_bool)
        .ok_or_else(|| bad("active must be a boolean"))?;
    if external_id.is_none() || email.is_none() {
        return Err(bad("externalId and one email are required"));
    }
    if all(org, mode)
        .iter()
        .any(|u| u.username.eq_ignore_ascii_case(&username))
    {
        return Err(ApiError::conflict(format!("User {username} already exists")).scim());
    }
    match mode {
        ScimMode::Managed => {
            let given = body["name"]["givenName"]
                .as_str()
                .ok_or_else(|| bad("name.givenName is required"))?;
            let family = body["name"]["familyName"]
                .as_str()
                .ok_or_else(|| bad("name.familyName is required"))?;
            if !valid_username(&username) {
                return Err(bad("invalid userName"));
            }
            if world.user(&username).is_some() {
                return Err(ApiError::conflict(format!("Username {username} is taken")).scim());
            }
            let fullname = format!("{given} {family}").trim().to_string();
            world.seed.users.push(UserSeed {
                username: username.clone(),
                fullname,
                email,
                is_pro: false,
            });
            world.reindex();
        }
        _ => {
            if world.user(&username).is_none() {
                return Err(
                    ApiError::not_found(format!("No Hugging Face account {username}")).scim(),
                );
            }
        }
    }
    let org = world
        .org_mut(&org_name)
        .ok_or_else(|| ApiError::not_found("Organization not found").scim())?;
    org.scim_users.push(ScimUserSeed {
        user: username.clone(),
        external_id,
    });
    if active {
        provisioning::activate(&mut world, &org_name, mode, &username, &caller);
    }
    let org = world
        .org(&org_name)
        .ok_or_else(|| ApiError::not_found("Organization not found").scim())?;
    let user = one(org, mode, &username);
    let body = render(&world, &user, &base_url(params.self_url()));
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `DELETE .../Users/{id}`: basic SSO removes the user from the org, its resource groups
/// and invitations; managed SSO deletes the account itself, everywhere. 204.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((org_name, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let mode = mode_of(&uri);
    let mut world = state.world();
    let (org, caller) = authorize(&world, &headers, &org_name, mode, true)?;
    let user = find(org, mode, &id)?;
    provisioning::deactivate(&mut world, &org_name, &user.username, &caller)?;
    let username = user.username;
    if let Some(org) = world.org_mut(&org_name) {
        org.scim_users.retain(|s| s.user != username);
        for group in &mut org.scim_groups {
            group.members.retain(|m| m != &username);
        }
    }
    if mode == ScimMode::Managed {
        provisioning::delete_account(&mut world, &username);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Managed-SSO usernames: 2–42 chars of letters, digits and single dashes, not only
/// digits, not a 24-hex string, no dash at either end.
fn valid_username(name: &str) -> bool {
    let chars_ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let is_hex_id = name.len() == 24 && name.chars().all(|c| c.is_ascii_hexdigit());
    (2..=42).contains(&name.len())
        && chars_ok
        && !name.contains("--")
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.chars().all(|c| c.is_ascii_digit())
        && !is_hex_id
}
