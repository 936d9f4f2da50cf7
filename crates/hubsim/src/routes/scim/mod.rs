//! SCIM 2.0 Users and Groups on both bases:
//! `/api/organizations/{org}/scim/v2` (managed SSO: users are org-owned accounts) and
//! `/api/organizations/{org}/scim-provisioning/v2` (basic SSO: users are memberships and
//! invitations of existing accounts).
//!
//! A base exists only on orgs whose seed `scim` matches it (`managed` or `basic`); on any
//! other org it answers 404, as the Hub does not expose SCIM there. Auth: the org's
//! `scim_token`, or a token of an org admin (a write token for changes).

mod filter;
mod groups;
mod provisioning;
mod user_patch;
mod users;

use axum::http::{HeaderMap, Uri};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::audit::Actor;
use crate::auth::{self, Identity};
use crate::errors::{ApiError, ApiResult};
use crate::extract::Params;
use crate::roles;
use crate::seed::{OrgSeed, ScimMode, TokenRole};
use crate::state::{AppState, World};

pub(crate) use filter::Filter;

/// The SCIM schema URNs.
pub(crate) const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub(crate) const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// Routes of both bases.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for base in [
        "/api/organizations/{org}/scim/v2",
        "/api/organizations/{org}/scim-provisioning/v2",
    ] {
        router = router
            .route(
                &format!("{base}/Users"),
                get(users::list).post(users::create),
            )
            .route(
                &format!("{base}/Users/{{id}}"),
                get(users::show)
                    .patch(user_patch::patch)
                    .put(user_patch::replace)
                    .delete(users::delete),
            )
            .route(
                &format!("{base}/Groups"),
                get(groups::list).post(groups::create),
            )
            .route(
                &format!("{base}/Groups/{{id}}"),
                get(groups::show)
                    .patch(groups::patch)
                    .put(groups::replace)
                    .delete(groups::delete),
            );
    }
    router
}

/// Who is calling a SCIM endpoint.
pub(crate) enum ScimCaller {
    /// The org's SCIM token.
    Token,
    /// An org admin's own token.
    Admin(Identity),
}

impl ScimCaller {
    /// The audit author.
    pub(crate) fn actor(&self) -> Actor<'_> {
        match self {
            ScimCaller::Token => Actor::Scim,
            ScimCaller::Admin(identity) => Actor::User(identity),
        }
    }
}

/// The base a request is on, from its path.
pub(crate) fn mode_of(uri: &Uri) -> ScimMode {
    if uri.path().contains("/scim-provisioning/") {
        ScimMode::Basic
    } else {
        ScimMode::Managed
    }
}

/// The org behind a SCIM request and the caller's right to use it; `write` for changes.
pub(crate) fn authorize<'a>(
    world: &'a World,
    headers: &HeaderMap,
    org_name: &str,
    mode: ScimMode,
    write: bool,
) -> ApiResult<(&'a OrgSeed, ScimCaller)> {
    let not_found = || ApiError::not_found(format!("SCIM is not enabled for {org_name}")).scim();
    let org = world.org(org_name).ok_or_else(not_found)?;
    if org.scim != mode {
        return Err(not_found());
    }
    let Some(Ok(token)) = auth::bearer(headers) else {
        return Err(ApiError::unauthorized().scim());
    };
    if org.scim_token.as_deref() == Some(token) {
        return Ok((org, ScimCaller::Token));
    }
    let identity = auth::identify(world, token).ok_or_else(|| ApiError::unauthorized().scim())?;
    auth::require_org_rank(org, &identity, roles::ADMIN).map_err(ApiError::scim)?;
    if write && identity.token_role == TokenRole::Read {
        return Err(ApiError::forbidden("This token is read-only").scim());
    }
    Ok((org, ScimCaller::Admin(identity)))
}

/// The base URL for `meta.location`, e.g. `http://host/api/organizations/acme/scim/v2`.
pub(crate) fn base_url(self_url: &str) -> String {
    let end = ["/Users", "/Groups"]
        .iter()
        .filter_map(|s| self_url.find(s))
        .min();
    self_url[..end.unwrap_or(self_url.len())].to_string()
}

/// A `ListResponse` page from `startIndex` (1-based, default 1) and `count` (default and
/// max 1000), over resources already filtered and ordered.
pub(crate) fn list_response(resources: Vec<Value>, params: &Params) -> ApiResult<Value> {
    let start = params
        .number("startIndex")
        .map_err(ApiError::scim)?
        .unwrap_or(1)
        .max(1) as usize;
    let count = params
        .number("count")
        .map_err(ApiError::scim)?
        .unwrap_or(1000)
        .clamp(0, 1000) as usize;
    let total = resources.len();
    let page: Vec<Value> = resources.into_iter().skip(start - 1).take(count).collect();
    Ok(json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "itemsPerPage": page.len(),
        "startIndex": start,
        "Resources": page,
    }))
}

/// The `ListResponse` of a list endpoint: the `items` that pass the request's `filter`
/// (`eq` on one of `allowed`, see [`Filter`]; `matches` says whether one item does), each
/// rendered against the request's base URL, paged by [`list_response`].
pub(crate) fn filtered_list<T>(
    params: &Params,
    allowed: &[&str],
    items: impl IntoIterator<Item = T>,
    matches: impl Fn(&Filter, &T) -> bool,
    render: impl Fn(T, &str) -> Value,
) -> ApiResult<Json<Value>> {
    let filter = Filter::from_params(params, allowed)?;
    let base = base_url(params.self_url());
    let resources = items
        .into_iter()
        .filter(|item| filter.as_ref().is_none_or(|f| matches(f, item)))
        .map(|item| render(item, &base))
        .collect();
    Ok(Json(list_response(resources, params)?))
}

/// One operation of a PatchOp body.
pub(crate) struct PatchOp {
    /// `op`, lowercased (`add`, `replace`, `remove`); empty when missing.
    pub kind: String,
    /// `path`, if given.
    pub path: Option<String>,
    /// `value` (null when missing).
    pub value: Value,
}

/// Reads a PatchOp body's operations, checking the schema.
pub(crate) fn patch_operations(body: &Value) -> ApiResult<Vec<PatchOp>> {
    let ops = body
        .get("Operations")
        .or_else(|| body.get("operations"))
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::bad_request("PatchOp body needs Operations").scim())?;
    Ok(ops
        .iter()
        .map(|op| PatchOp {
            kind: op["op"].as_str().unwrap_or("").to_ascii_lowercase(),
            path: op["path"].as_str().map(str::to_string),
            value: op["value"].clone(),
        })
        .collect())
}

/// A SCIM boolean: `true`/`false`, or the strings `"True"`/`"False"` some IdPs send.
pub(crate) fn scim_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}
