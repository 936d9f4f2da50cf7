//! `GET /api/organizations/{org}/settings/repositories`: every repo of the org, private
//! ones included, with visibility and storage. It sits under the org's settings, which
//! only admins reach in the UI, so hubsim requires an org admin (undocumented).

use axum::extract::{Path, State};
use serde_json::json;

use crate::auth::{Caller, find_org, require_org_rank};
use crate::errors::{ApiError, ApiResult};
use crate::extract::Params;
use crate::pagination::{self, LISTS};
use crate::roles;
use crate::seed::RepoType;
use crate::state::AppState;

const UPDATED_AT: &str = "2026-01-01T00:00:00.000Z";

/// Lists with `search`, `type`, `sort` (`storage` default, or `updatedAt`) and
/// `direction` (`desc` default), Link-paginated.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    params: Params,
) -> ApiResult {
    let identity = caller.required()?;
    let world = state.world();
    let org = find_org(&world, &org)?;
    require_org_rank(org, identity, roles::ADMIN)?;
    let wanted_type = match params.get("type") {
        None => None,
        Some(t) => Some(
            RepoType::from_plural(&format!("{t}s"))
                .ok_or_else(|| ApiError::bad_request(format!("Invalid type: {t}")))?,
        ),
    };
    let by_updated = match params.get("sort") {
        None | Some("storage") => false,
        Some("updatedAt") => true,
        Some(other) => return Err(ApiError::bad_request(format!("Invalid sort: {other}"))),
    };
    let ascending = match params.get("direction") {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(other) => return Err(ApiError::bad_request(format!("Invalid direction: {other}"))),
    };
    let search = params.get("search").map(str::to_lowercase);
    let mut repos: Vec<_> = world
        .seed
        .repos
        .iter()
        .filter(|r| r.namespace() == org.name)
        .filter(|r| wanted_type.is_none_or(|t| r.repo_type == t))
        .filter(|r| {
            search
                .as_deref()
                .is_none_or(|s| r.id.to_lowercase().contains(s))
        })
        .collect();
    let total: u64 = repos.iter().map(|r| r.storage).sum::<u64>().max(1);
    repos.sort_by(|a, b| {
        let order = if by_updated {
            let updated = |r: &&crate::seed::RepoSeed| r.updated_at.clone().unwrap_or_default();
            updated(a).cmp(&updated(b))
        } else {
            a.storage.cmp(&b.storage)
        };
        let order = if ascending { order } else { order.reverse() };
        order.then_with(|| a.id.cmp(&b.id))
    });
    // Positions as keys: this list only changes when repos are created or deleted.
    let keyed = repos
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let item = json!({
                "id": r.id,
                "type": r.repo_type.as_str(),
                "updatedAt": r.updated_at.as_deref().unwrap_or(UPDATED_AT),
                "visibility": if r.private { "private" } else { "public" },
                "storage": r.storage,
                "storagePercent": r.storage as f64 * 100.0 / total as f64,
            });
            (format!("{i:010}"), item)
        })
        .collect();
    pagination::list(keyed, &params, LISTS)
}
