//! SCIM user changes: `PATCH .../Users/{id}` (PatchOp) and `PUT .../Users/{id}`.
//!
//! `active=false` removes the user's access (managed: from the org, reversible; basic:
//! membership and invitation); `active=true` restores it. On basic SSO only `active` and
//! `externalId` can change; profile fields are the account owner's.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use serde_json::Value;

use super::provisioning;
use super::users::{self, ScimUser};
use super::{ScimCaller, authorize, base_url, mode_of, patch_operations, scim_bool};
use crate::errors::{ApiError, ApiResult};
use crate::extract::{JsonBody, Params};
use crate::seed::{ScimMode, ScimUserSeed};
use crate::state::{AppState, World};

/// What a PATCH or PUT asks to change.
#[derive(Debug, Default)]
struct Changes {
    active: Option<bool>,
    external_id: Option<Option<String>>,
    given_name: Option<String>,
    family_name: Option<String>,
    email: Option<String>,
}

fn bad(message: String) -> ApiError {
    ApiError::bad_request(message).scim()
}

impl Changes {
    /// Records one `path = value` assignment.
    fn set(&mut self, path: &str, value: &Value, mode: ScimMode) -> ApiResult<()> {
        let text = || {
            value
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| bad(format!("{path} must be a string")))
        };
        match path {
            "active" => {
                self.active =
                    Some(scim_bool(value).ok_or_else(|| bad("active must be a boolean".into()))?)
            }
            "externalId" => self.external_id = Some(Some(text()?)),
            _ if mode == ScimMode::Basic => {
                return Err(bad(format!("{path} cannot be changed on this base")));
            }
            "name.givenName" => self.given_name = Some(text()?),
            "name.familyName" => self.family_name = Some(text()?),
            "emails[type eq \"work\"].value" => self.email = Some(text()?),
            "name" => {
                let fields = [
                    ("givenName", "name.givenName"),
                    ("familyName", "name.familyName"),
                ];
                for (key, full) in fields {
                    if let Some(v) = value.get(key) {
                        self.set(full, v, mode)?;
                    }
                }
            }
            _ => return Err(bad(format!("Unsupported path: {path}"))),
        }
        Ok(())
    }

    /// Applies the changes to the world.
    fn apply(
        self,
        world: &mut World,
        org: &str,
        mode: ScimMode,
        user: &ScimUser,
        caller: &ScimCaller,
    ) -> ApiResult<()> {
        match self.active {
            Some(false) if user.active => {
                provisioning::deactivate(world, org, &user.username, caller)?
            }
            Some(true) if !user.active => {
                provisioning::activate(world, org, mode, &user.username, caller)
            }
            _ => {}
        }
        if let Some(external_id) = self.external_id
            && let Some(org) = world.org_mut(org)
        {
            match org.scim_users.iter_mut().find(|s| s.user == user.username) {
                Some(entry) => entry.external_id = external_id,
                None => org.scim_users.push(ScimUserSeed {
                    user: user.username.clone(),
                    external_id,
                }),
            }
        }
        if let Some(account) = world
            .seed
            .users
            .iter_mut()
            .find(|u| u.username == user.username)
        {
            let fullname = account.fullname.clone();
            let (given, family) = fullname.split_once(' ').unwrap_or((&fullname, ""));
            if self.given_name.is_some() || self.family_name.is_some() {
                let given = self.given_name.as_deref().unwrap_or(given);
                let family = self.family_name.as_deref().unwrap_or(family);
                account.fullname = format!("{given} {family}").trim().to_string();
            }
            if let Some(email) = self.email {
                account.email = Some(email);
            }
        }
        Ok(())
    }
}

/// `PATCH .../Users/{id}` with a PatchOp body.
pub async fn patch(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((org_name, id)): Path<(String, String)>,
    params: Params,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    let mode = mode_of(&uri);
    let mut world = state.world();
    let (org, caller) = authorize(&world, &headers, &org_name, mode, true)?;
    let user = users::find(org, mode, &id)?;
    let mut changes = Changes::default();
    for op in patch_operations(&body)? {
        let kind = op.kind.as_str();
        match (kind, op.path.as_deref()) {
            ("remove", Some(p)) if p == "externalId" && mode == ScimMode::Managed => {
                changes.external_id = Some(None);
            }
            ("remove", _) => return Err(bad("remove is only supported for externalId".into())),
            ("add" | "replace", Some(path)) => changes.set(path, &op.value, mode)?,
            ("add" | "replace", None) => {
                let fields = op
                    .value
                    .as_object()
                    .ok_or_else(|| bad("value must be an object".into()))?;
                for (path, value) in fields {
                    changes.set(path, value, mode)?;
                }
            }
            _ => return Err(bad(format!("Unsupported op: {kind}"))),
        }
    }
    changes.apply(&mut world, &org_name, mode, &user, &caller)?;
    respond(&world, &org_name, mode, &user, &params)
}

/// `PUT .../Users/{id}`: full replace; `externalId` left out is cleared, `active`
/// defaults to true. Renaming (`userName`) is refused.
pub async fn replace(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((org_name, id)): Path<(String, String)>,
    params: Params,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<Value>> {
    let mode = mode_of(&uri);
    let mut world = state.world();
    let (org, caller) = authorize(&world, &headers, &org_name, mode, true)?;
    let user = users::find(org, mode, &id)?;
    if let Some(name) = body["userName"].as_str()
        && !name.eq_ignore_ascii_case(&user.username)
    {
        return Err(ApiError::conflict("userName cannot be changed").scim());
    }
    let mut changes = Changes {
        active: Some(true),
        external_id: Some(body["externalId"].as_str().map(str::to_string)),
        ..Changes::default()
    };
    if let Some(active) = body.get("active") {
        changes.set("active", active, mode)?;
    }
    if mode == ScimMode::Managed {
        if let Some(name) = body.get("name") {
            changes.set("name", name, mode)?;
        }
        if let Some(email) = body["emails"][0].get("value") {
            changes.set("emails[type eq \"work\"].value", email, mode)?;
        }
    }
    changes.apply(&mut world, &org_name, mode, &user, &caller)?;
    respond(&world, &org_name, mode, &user, &params)
}

fn respond(
    world: &World,
    org: &str,
    mode: ScimMode,
    user: &ScimUser,
    params: &Params,
) -> ApiResult<Json<Value>> {
    let org = world
        .org(org)
        .ok_or_else(|| ApiError::not_found("Organization not found").scim())?;
    let now = users::find(org, mode, &user.id)?;
    Ok(Json(users::render(
        world,
        &now,
        &base_url(params.self_url()),
    )))
}
