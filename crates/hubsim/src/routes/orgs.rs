//! Org-level reads: `GET /api/organizations/{org}/overview` and `.../resource-groups`.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::audit::avatar_url;
use crate::auth::{Caller, find_org, require_org_rank, require_paid};
use crate::errors::{ApiError, ApiResult};
use crate::ids;
use crate::roles;
use crate::state::AppState;
use crate::views::org_overview;

/// The org's public overview (`plan`, `numUsers`, ...). Authentication is optional.
pub async fn overview(
    State(state): State<AppState>,
    _caller: Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<Value>> {
    let world = state.world();
    let org = find_org(&world, &org)?;
    Ok(Json(org_overview(&world, org)))
}

/// The resource groups the caller can manage: all of them for org admins, otherwise
/// those where the caller is an RG admin. Team/Enterprise only (402 on free orgs).
pub async fn resource_groups(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    let identity = caller.required()?;
    let world = state.world();
    let org = find_org(&world, &org)?;
    require_org_rank(org, identity, roles::rank("no_access"))?;
    require_paid(org)?;
    let me = org
        .member(&identity.user)
        .ok_or_else(|| ApiError::forbidden("Not a member"))?;
    let is_admin = roles::rank(&me.role) >= roles::ADMIN;
    let groups = org
        .resource_groups
        .iter()
        .filter(|g| {
            is_admin
                || me
                    .resource_groups
                    .iter()
                    .any(|m| m.name == g.name && m.role == "admin")
        })
        .map(|g| {
            let users: Vec<Value> = org
                .members
                .iter()
                .filter_map(|m| {
                    let rg = m.resource_groups.iter().find(|r| r.name == g.name)?;
                    let fullname = world.user(&m.user).map_or("", |u| u.fullname.as_str());
                    Some(json!({
                        "type": "user",
                        "_id": ids::user_id(&m.user),
                        "name": m.user,
                        "fullname": fullname,
                        "avatarUrl": avatar_url(&m.user),
                        "role": rg.role,
                    }))
                })
                .collect();
            let repos: Vec<Value> = world
                .seed
                .repos
                .iter()
                .filter(|r| {
                    r.namespace() == org.name && r.resource_group.as_deref() == Some(&g.name)
                })
                .map(|r| json!({"name": r.id, "type": r.repo_type.as_str(), "private": r.private}))
                .collect();
            json!({
                "id": ids::resource_group_id(&org.name, &g.name),
                "name": g.name,
                "description": g.description,
                "autoJoin": {"enabled": false},
                "users": users,
                "repos": repos,
            })
        })
        .collect();
    Ok(Json(groups))
}
