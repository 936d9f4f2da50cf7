//! `GET /api/organizations/{org}/audit-log/export?q=`: the org's audit events (those
//! hubsim's own state changes caused), Team/Enterprise only, for org admins.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::audit::{self, Actor};
use crate::auth::{Caller, find_org, require_org_rank, require_paid};
use crate::errors::ApiResult;
use crate::extract::Params;
use crate::roles;
use crate::state::AppState;

/// The Hub exports at most the last 100,000 events.
const MAX_EVENTS: usize = 100_000;

/// Exports matching events, oldest first, as a JSON file; then logs the export itself.
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path(org_name): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let identity = caller.required()?;
    let mut world = state.world();
    let org = find_org(&world, &org_name)?;
    require_org_rank(org, identity, roles::ADMIN)?;
    require_paid(org)?;
    let q = params.get("q").unwrap_or("");
    let events: Vec<Value> = world
        .audit
        .get(&org_name)
        .into_iter()
        .flatten()
        .filter(|e| audit::matches(&e.body, q))
        .map(|e| e.body.clone())
        .collect();
    let skip = events.len().saturating_sub(MAX_EVENTS);
    let events: Vec<Value> = events.into_iter().skip(skip).collect();
    let message = format!("Exported the audit log of {org_name}");
    world.record(
        &org_name,
        "org.audit_log.export",
        Actor::User(identity),
        json!({"q": q}),
        message,
    );
    let mut response = Json(events).into_response();
    let disposition = format!("attachment; filename=\"{org_name}-audit-log.json\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
