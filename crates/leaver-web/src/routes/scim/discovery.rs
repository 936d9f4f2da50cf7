//! `GET /scim/v2/ServiceProviderConfig`, `/ResourceTypes[/User]`, `/Schemas[/{id}]`: what the
//! service supports (RFC 7644 §4), for keys of scope `scim` like the rest.

use super::auth::ScimClient;
use super::reply::ScimReply;
use super::users::endpoint;
use crate::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use leaver_app::scim::wire::{ListResponse, ScimError, discovery};
use serde_json::Value;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/scim/v2/ServiceProviderConfig", get(config))
        .route("/scim/v2/ResourceTypes", get(resource_types))
        .route("/scim/v2/ResourceTypes/{id}", get(resource_type))
        .route("/scim/v2/Schemas", get(schemas))
        .route("/scim/v2/Schemas/{id}", get(schema))
}

fn list(resources: Vec<Value>) -> ScimReply {
    ScimReply::ok(
        ListResponse {
            total_results: resources.len(),
            start_index: 1,
            resources,
        }
        .to_json(),
    )
}

async fn config(_: ScimClient, State(state): State<AppState>, headers: HeaderMap) -> ScimReply {
    ScimReply::ok(discovery::service_provider_config(
        &endpoint(&state, &headers).0,
    ))
}

async fn resource_types(
    _: ScimClient,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ScimReply {
    list(vec![discovery::user_resource_type(
        &endpoint(&state, &headers).0,
    )])
}

async fn resource_type(
    _: ScimClient,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ScimReply {
    if id != "User" {
        return ScimReply::error(&ScimError::status(404, format!("no resource type {id:?}")));
    }
    ScimReply::ok(discovery::user_resource_type(&endpoint(&state, &headers).0))
}

async fn schemas(_: ScimClient, State(state): State<AppState>, headers: HeaderMap) -> ScimReply {
    list(discovery::schemas(&endpoint(&state, &headers).0))
}

async fn schema(
    _: ScimClient,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ScimReply {
    discovery::schemas(&endpoint(&state, &headers).0)
        .into_iter()
        .find(|s| s["id"].as_str() == Some(id.as_str()))
        .map(ScimReply::ok)
        .unwrap_or_else(|| ScimReply::error(&ScimError::status(404, format!("no schema {id:?}"))))
}
