//! SCIM Groups (same shape on both bases). Members are referenced by SCIM user id.
//! Linking groups to resource groups is UI-only on the Hub and is not simulated.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{GROUP_SCHEMA, authorize, base_url, filtered_list, mode_of, patch_operations, users};
use crate::errors::{ApiError, ApiResult};
use crate::extract::{JsonBody, Params};
use crate::ids;
use crate::seed::{OrgSeed, ScimGroupSeed, ScimMode};
use crate::state::AppState;

fn render(org: &OrgSeed, group: &ScimGroupSeed, base: &str, with_members: bool) -> Value {
    let mut body = json!({
        "schemas": [GROUP_SCHEMA],
        "id": group.id,
        "displayName": group.display_name,
        "externalId": group.external_id,
        "meta": {"resourceType": "Group", "location": format!("{base}/Groups/{}", group.id)},
    });
    if with_members {
        let members: Vec<Value> = group
            .members
            .iter()
            .map(|m| json!({"value": ids::scim_user_id(&org.name, m), "display": m}))
            .collect();
        body["members"] = members.into();
    }
    body
}

fn with_members(params: &Params) -> bool {
    params.get("excludedAttributes") != Some("members")
}

fn find_group<'a>(org: &'a OrgSeed, id: &str) -> ApiResult<&'a ScimGroupSeed> {
    org.scim_groups
        .iter()
        .find(|g| g.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Group {id} not found")).scim())
}

/// Maps `[{value: <scim user id>}]` to usernames: 400 for ids that are not SCIM users here.
fn member_names(org: &OrgSeed, mode: ScimMode, members: &Value) -> ApiResult<Vec<String>> {
    let known = users::all(org, mode);
    let mut names = Vec::new();
    for member in members.as_array().map(Vec::as_slice).unwrap_or_default() {
        let id = member["value"].as_str().unwrap_or("");
        let user = known
            .iter()
            .find(|u| u.id == id)
            .ok_or_else(|| ApiError::bad_request(format!("Unknown member id {id:?}")).scim())?;
        if !names.contains(&user.username) {
            names.push(user.username.clone());
        }
    }
    Ok(names)
}

/// `GET .../Groups` with `filter` on `displayName`, `id` or `externalId`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(org): Path<String>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let world = state.world();
    let (org, _) = authorize(&world, &headers, &org, mode_of(&uri), false)?;
    filtered_list(
        &params,
        &["displayname", "id", "externalid"],
        &org.scim_groups,
        |f, g| match f.attr.as_str() {
            "id" => f.matches(Some(&g.id)),
            "externalid" => f.matches(g.external_id.as_deref()),
            _ => f.matches(Some(&g.display_name)),
        },
        |g, base| render(org, g, base, with_members(&params)),
    )
}

/// `GET .../Groups/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((org, id)): Path<(String, String)>,
    params: Params,
) -> ApiResult<Json<Value>> {
    let world = state.world();
    let (org, _) = authorize(&world, &headers, &org, mode_of(&uri), false)?;
    let group = find_group(org, &id)?;
    Ok(Json(render(
        org,
        group,
        &base_url(params.self_url()),
        with_members(&params),
    )))
}

/// `POST .../Groups`: 201, or 409 when the display name is taken.
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
    let (org, _) = authorize(&world, &headers, &org_name, mode, true)?;
    let name = body["displayName"]
        .as_str()
        .ok_or_else(|| ApiError::bad_request("displayName is required").scim())?
        .to_string();
    if org.scim_groups.iter().any(|g| g.display_name == name) {
        return Err(ApiError::conflict(format!("Group {name} already exists")).scim());
    }
    let members = member_names(org, mode, &body["members"])?;
    let group = ScimGroupSeed {
        id: ids::scim_group_id(&org_name, &name),
        display_name: name,
        external_id: body["externalId"].as_str().map(str::to_string),
        members,
    };
    let org = world
        .org_mut(&org_name)
        .ok_or_else(|| ApiError::not_found("Organization not found").scim())?;
    let rendered = render(org, &group, &base_url(params.self_url()), true);
    org.scim_groups.push(group);
    Ok((StatusCode::CREATED, Json(rendered)).into_response())
}

/// `PUT .../Groups/{id}`: replaces name, members and externalId.
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
    let (org, _) = authorize(&world, &headers, &org_name, mode, true)?;
    let mut group = find_group(org, &id)?.clone();
    if let Some(name) = body["displayName"].as_str() {
        group.display_name = name.to_string();
    }
    group.members = member_names(org, mode, &body["members"])?;
    group.external_id = body["externalId"].as_str().map(str::to_string);
    store(&mut world.seed.orgs, &org_name, group, &params)
}

/// `PATCH .../Groups/{id}`: add/replace members, displayName or externalId; remove
/// members (`path: "members"` with a value list, or `members[value eq "id"]`).
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
    let (org, _) = authorize(&world, &headers, &org_name, mode, true)?;
    let mut group = find_group(org, &id)?.clone();
    for op in patch_operations(&body)? {
        let (kind, path, value) = (
            op.kind.as_str(),
            op.path.as_deref().unwrap_or(""),
            &op.value,
        );
        match (kind, path) {
            ("add", "members") => {
                for name in member_names(org, mode, value)? {
                    if !group.members.contains(&name) {
                        group.members.push(name);
                    }
                }
            }
            ("replace", "members") => group.members = member_names(org, mode, value)?,
            ("remove", "members") => {
                let gone = member_names(org, mode, value)?;
                group.members.retain(|m| !gone.contains(m));
            }
            ("remove", p) if p.starts_with("members[value eq ") => {
                let id = p
                    .trim_start_matches("members[value eq ")
                    .trim_end_matches(']')
                    .trim_matches('"');
                group
                    .members
                    .retain(|m| ids::scim_user_id(&org_name, m) != id);
            }
            ("add" | "replace", "displayName") => {
                group.display_name = value.as_str().unwrap_or("").to_string()
            }
            ("add" | "replace", "externalId") => {
                group.external_id = value.as_str().map(str::to_string)
            }
            ("add" | "replace", "") => {
                if let Some(name) = value["displayName"].as_str() {
                    group.display_name = name.to_string();
                }
                if let Some(external_id) = value["externalId"].as_str() {
                    group.external_id = Some(external_id.to_string());
                }
            }
            _ => {
                return Err(
                    ApiError::bad_request(format!("Unsupported operation {kind} {path}")).scim(),
                );
            }
        }
    }
    store(&mut world.seed.orgs, &org_name, group, &params)
}

fn store(
    orgs: &mut [OrgSeed],
    org_name: &str,
    group: ScimGroupSeed,
    params: &Params,
) -> ApiResult<Json<Value>> {
    let org = orgs
        .iter_mut()
        .find(|o| o.name == org_name)
        .ok_or_else(|| ApiError::not_found("Organization not found").scim())?;
    if org
        .scim_groups
        .iter()
        .any(|g| g.id != group.id && g.display_name == group.display_name)
    {
        return Err(
            ApiError::conflict(format!("Group {} already exists", group.display_name)).scim(),
        );
    }
    let rendered = render(org, &group, &base_url(params.self_url()), true);
    if let Some(slot) = org.scim_groups.iter_mut().find(|g| g.id == group.id) {
        *slot = group;
    }
    Ok(Json(rendered))
}

/// `DELETE .../Groups/{id}`: 204.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((org_name, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let mut world = state.world();
    let (org, _) = authorize(&world, &headers, &org_name, mode_of(&uri), true)?;
    find_group(org, &id)?;
    if let Some(org) = world.org_mut(&org_name) {
        org.scim_groups.retain(|g| g.id != id);
    }
    Ok(StatusCode::NO_CONTENT)
}
