//! `/scim/v2/Users` and `/scim/v2/Users/{id}`: thin adapters over `leaver_app::scim`; each
//! call is noted (method, path, status, outcome) for the settings page.

use super::auth::ScimClient;
use super::reply::{ScimReply, json_body};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::routing::{get, post};
use leaver_app::scim::ScimEndpoint;
use leaver_app::scim::wire::{Paging, Projection};
use serde_json::Value;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/scim/v2/Users", get(list).post(create))
        .route("/scim/v2/Users/.search", post(search))
        // The server-root search: Users are the only resource type, so it is the same search.
        .route("/scim/v2/.search", post(search))
        .route(
            "/scim/v2/Users/{id}",
            get(show).put(replace).patch(patch).delete(remove),
        )
}

/// The service's base URL: `LEAVER_PUBLIC_URL`'s, else the Host the request was sent to.
pub fn endpoint(state: &AppState, headers: &HeaderMap) -> ScimEndpoint {
    let base = match &state.app.settings().public_url {
        Some(url) => url.as_str().trim_end_matches('/').to_owned(),
        None => {
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    };
    ScimEndpoint(format!("{base}/scim/v2"))
}

/// `body` (a resource, or a list of them) with the attributes `attributes` and
/// `excludedAttributes` ask for.
fn projected(query: &HashMap<String, String>, body: Value) -> Value {
    let projection = Projection::parse(
        query.get("attributes").map(String::as_str),
        query.get("excludedAttributes").map(String::as_str),
    );
    project(&projection, body)
}

fn project(projection: &Projection, mut body: Value) -> Value {
    match body.get_mut("Resources").and_then(Value::as_array_mut) {
        Some(resources) => {
            for resource in resources.iter_mut() {
                *resource = projection.apply(resource);
            }
            body
        }
        None => projection.apply(&body),
    }
}

/// A SearchRequest's list of names as the query's comma-separated text.
fn names(request: &Value, key: &str) -> Option<String> {
    match request.get(key)? {
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
        ),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// `POST /Users/.search` (RFC 7644 §3.4.3): the query's parameters in a SearchRequest body.
#[tracing::instrument(skip_all)]
async fn search(
    client: ScimClient,
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> ScimReply {
    let reply = async {
        let request = json_body(&body)?;
        let text = |k: &str| {
            request
                .get(k)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        };
        let paging = Paging::parse(text("startIndex").as_deref(), text("count").as_deref())?;
        let base = endpoint(&state, &headers);
        let found = state
            .app
            .scim_list_users(&base, text("filter").as_deref(), paging)
            .await?;
        let projection = Projection::parse(
            names(&request, "attributes").as_deref(),
            names(&request, "excludedAttributes").as_deref(),
        );
        Ok(ScimReply::ok(project(&projection, found)))
    }
    .await;
    noted(&state, &client, &method, &uri, reply.into()).await
}

async fn noted(
    state: &AppState,
    client: &ScimClient,
    method: &Method,
    uri: &Uri,
    reply: ScimReply,
) -> ScimReply {
    let path = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), ToString::to_string);
    state
        .app
        .note_scim_call(
            &client.0,
            method.as_str(),
            &path,
            reply.status.as_u16(),
            &reply.outcome(),
        )
        .await;
    reply
}

#[tracing::instrument(skip_all)]
async fn list(
    client: ScimClient,
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
) -> ScimReply {
    let reply = async {
        let paging = Paging::parse(
            query.get("startIndex").map(String::as_str),
            query.get("count").map(String::as_str),
        )?;
        let base = endpoint(&state, &headers);
        let body = state
            .app
            .scim_list_users(&base, query.get("filter").map(String::as_str), paging)
            .await?;
        Ok(ScimReply::ok(projected(&query, body)))
    }
    .await;
    noted(&state, &client, &method, &uri, reply.into()).await
}

#[tracing::instrument(skip_all)]
async fn create(
    client: ScimClient,
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> ScimReply {
    let reply = async {
        let body = json_body(&body)?;
        let base = endpoint(&state, &headers);
        Ok(ScimReply::created(
            state.app.scim_create_user(&client.0, &base, body).await?,
        ))
    }
    .await;
    noted(&state, &client, &method, &uri, reply.into()).await
}

#[tracing::instrument(skip_all)]
async fn show(
    client: ScimClient,
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ScimReply {
    let base = endpoint(&state, &headers);
    let reply = state
        .app
        .scim_get_user(&base, &id)
        .await
        .map(|body| ScimReply::ok(projected(&query, body)));
    noted(&state, &client, &method, &uri, reply.into()).await
}

#[tracing::instrument(skip_all)]
async fn replace(
    client: ScimClient,
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> ScimReply {
    let reply = async {
        let body = json_body(&body)?;
        let base = endpoint(&state, &headers);
        Ok(ScimReply::ok(
            state
                .app
                .scim_replace_user(&client.0, &base, &id, body)
                .await?,
        ))
    }
    .await;
    noted(&state, &client, &method, &uri, reply.into()).await
}

#[tracing::instrument(skip_all)]
async fn patch(
    client: ScimClient,
    State(state): State<AppState>,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> ScimReply {
    let reply = async {
        let body = json_body(&body)?;
        let base = endpoint(&state, &headers);
        Ok(ScimReply::ok(
            state
                .app
                .scim_patch_user(&client.0, &base, &id, body)
                .await?,
        ))
    }
    .await;
    noted(&state, &client, &method, &uri, reply.into()).await
}

#[tracing::instrument(skip_all)]
async fn remove(
    client: ScimClient,
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    Path(id): Path<String>,
) -> ScimReply {
    let reply = state
        .app
        .scim_delete_user(&client.0, &id)
        .await
        .map(|()| ScimReply::no_content());
    noted(&state, &client, &method, &uri, reply.into()).await
}
