//! `GET /api/models`, `/api/datasets`, `/api/spaces`: repo listings with `author`,
//! `search`, `gated` and repeatable `expand`, Link-paginated. Private repos are listed
//! only for callers who can see them.

use axum::extract::State;
use serde_json::{Map, Value, json};

use crate::auth::Caller;
use crate::errors::{ApiError, ApiResult};
use crate::extract::Params;
use crate::ids;
use crate::pagination::{self, LISTS};
use crate::roles;
use crate::seed::{RepoSeed, RepoType};
use crate::state::{AppState, World};

const CREATED_AT: &str = "2026-01-01T00:00:00.000Z";

/// Whether the caller may see `repo`: public repos for all; private ones for the owning
/// user, org members with at least `read`, and `no_access` members in the repo's
/// resource group.
pub fn visible(world: &World, caller: &Caller, repo: &RepoSeed) -> bool {
    if !repo.private {
        return true;
    }
    let Some(identity) = &caller.0 else {
        return false;
    };
    if repo.namespace() == identity.user {
        return true;
    }
    let Some(org) = world.org(repo.namespace()) else {
        return false;
    };
    match caller.org_role(org) {
        Some(role) if roles::rank(role) >= roles::rank("read") => true,
        Some(_) => org.member(&identity.user).is_some_and(|m| {
            m.resource_groups
                .iter()
                .any(|g| repo.resource_group.as_deref() == Some(&g.name))
        }),
        None => false,
    }
}

/// `GET /api/models`.
pub async fn list_models(state: State<AppState>, caller: Caller, params: Params) -> ApiResult {
    list(state, caller, params, RepoType::Model)
}

/// `GET /api/datasets`.
pub async fn list_datasets(state: State<AppState>, caller: Caller, params: Params) -> ApiResult {
    list(state, caller, params, RepoType::Dataset)
}

/// `GET /api/spaces`.
pub async fn list_spaces(state: State<AppState>, caller: Caller, params: Params) -> ApiResult {
    list(state, caller, params, RepoType::Space)
}

fn list(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
    repo_type: RepoType,
) -> ApiResult {
    let expand = params.all("expand");
    if !expand.is_empty()
        && ["full", "cardData", "config"]
            .iter()
            .any(|k| params.get(k).is_some())
    {
        return Err(ApiError::bad_request(
            "expand cannot be combined with full, cardData or config",
        ));
    }
    if let Some(bad) = expand.iter().find(|e| !expandable(repo_type).contains(e)) {
        return Err(ApiError::bad_request(format!(
            "Invalid expand value: {bad}"
        )));
    }
    let gated = match params.get("gated") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Invalid gated value: {other}"
            )));
        }
    };
    let author = params.get("author");
    let search = params.get("search").map(str::to_lowercase);
    let world = state.world();
    let keyed = world
        .seed
        .repos
        .iter()
        .filter(|r| r.repo_type == repo_type && visible(&world, &caller, r))
        .filter(|r| author.is_none_or(|a| r.namespace() == a))
        .filter(|r| gated.is_none_or(|g| r.gated.is_on() == g))
        .filter(|r| {
            search
                .as_deref()
                .is_none_or(|s| r.id.to_lowercase().contains(s))
        })
        .map(|r| (r.id.clone(), render(&world, r, &expand)))
        .collect();
    pagination::list(keyed, &params, LISTS)
}

/// Properties `expand` accepts per repo type (spaces have no `gated`).
fn expandable(repo_type: RepoType) -> &'static [&'static str] {
    const COMMON: &[&str] = &[
        "author",
        "private",
        "gated",
        "disabled",
        "createdAt",
        "lastModified",
        "resourceGroup",
        "downloads",
        "likes",
        "tags",
        "trendingScore",
    ];
    const SPACES: &[&str] = &[
        "author",
        "private",
        "disabled",
        "createdAt",
        "lastModified",
        "resourceGroup",
        "likes",
        "tags",
        "trendingScore",
        "sdk",
    ];
    match repo_type {
        RepoType::Space => SPACES,
        _ => COMMON,
    }
}

/// Default fields when no `expand` is given, per type (as the Hub lists them: models and
/// spaces carry no `gated`/`author` by default, datasets do).
fn default_fields(repo_type: RepoType) -> &'static [&'static str] {
    match repo_type {
        RepoType::Model => &[
            "private",
            "downloads",
            "likes",
            "tags",
            "createdAt",
            "trendingScore",
        ],
        RepoType::Dataset => &[
            "author",
            "private",
            "gated",
            "disabled",
            "downloads",
            "likes",
            "tags",
            "createdAt",
            "lastModified",
            "trendingScore",
        ],
        RepoType::Space => &[
            "private",
            "likes",
            "tags",
            "createdAt",
            "sdk",
            "trendingScore",
        ],
    }
}

/// One listing item: `_id` and `id`, then either the expanded properties only, or the
/// type's default fields.
fn render(world: &World, repo: &RepoSeed, expand: &[&str]) -> Value {
    let mut item = Map::new();
    item.insert("id".into(), repo.id.clone().into());
    let fields: Vec<&str> = if expand.is_empty() {
        item.insert("_id".into(), ids::repo_id(&repo.id).into());
        if repo.repo_type == RepoType::Model {
            item.insert("modelId".into(), repo.id.clone().into());
        }
        default_fields(repo.repo_type).to_vec()
    } else {
        expand.to_vec()
    };
    for field in fields {
        if let Some(value) = property(world, repo, field) {
            item.insert(field.into(), value);
        }
    }
    Value::Object(item)
}

fn property(world: &World, repo: &RepoSeed, name: &str) -> Option<Value> {
    Some(match name {
        "author" => repo.namespace().into(),
        "private" => repo.private.into(),
        "gated" => repo.gated.to_json(),
        "disabled" => repo.disabled.into(),
        "createdAt" => CREATED_AT.into(),
        "lastModified" => repo
            .updated_at
            .clone()
            .unwrap_or_else(|| CREATED_AT.into())
            .into(),
        "resourceGroup" => {
            let name = repo.resource_group.as_ref()?;
            world.org(repo.namespace())?;
            json!({"id": ids::resource_group_id(repo.namespace(), name), "name": name})
        }
        "downloads" | "likes" | "trendingScore" => 0.into(),
        "tags" => json!([]),
        "sdk" => "gradio".into(),
        _ => return None,
    })
}
