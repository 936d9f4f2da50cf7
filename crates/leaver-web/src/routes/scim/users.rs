//! `/scim/v2/Users` and `/scim/v2/Users/{id}`: thin adapters over `leaver_app::scim`; each
//! call is noted (method, path, status, outcome) for the settings page.

use super::auth::ScimClient;
use super::reply::{ScimReply, json_body};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Uri};
use axum::routing::{get, post};
use leaver_app::scim::ScimEndpoint;
use leaver_app::scim::wire::{Paging, Projection, ScimError};
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

/// What every handler takes: the caller, the state and the request line (for the calls
/// list and `meta.location`).
struct Call {
    client: ScimClient,
    state: AppState,
    headers: HeaderMap,
    method: Method,
    uri: Uri,
}

impl FromRequestParts<AppState> for Call {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let client = ScimClient::from_request_parts(parts, state).await?;
        Ok(Call {
            client,
            state: state.clone(),
            headers: parts.headers.clone(),
            method: parts.method.clone(),
            uri: parts.uri.clone(),
        })
    }
}

impl Call {
    fn base(&self) -> ScimEndpoint {
        endpoint(&self.state, &self.headers)
    }

    fn app(&self) -> &leaver_app::Leaver {
        &self.state.app
    }

    /// The answer, noted first for the settings page.
    async fn answer(&self, reply: Result<ScimReply, ScimError>) -> ScimReply {
        let reply = ScimReply::from(reply);
        let uri = &self.uri;
        let path = uri
            .path_and_query()
            .map_or_else(|| uri.path().to_owned(), ToString::to_string);
        let (status, outcome) = (reply.status.as_u16(), reply.outcome());
        self.app()
            .note_scim_call(
                &self.client.0,
                self.method.as_str(),
                &path,
                status,
                &outcome,
            )
            .await;
        reply
    }
}

/// `POST /Users/.search` (RFC 7644 §3.4.3): the query's parameters in a SearchRequest body.
#[tracing::instrument(skip_all)]
async fn search(call: Call, body: Bytes) -> ScimReply {
    let reply = async {
        let request = json_body(&body)?;
        let text = |k: &str| {
            request
                .get(k)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        };
        let paging = Paging::parse(text("startIndex").as_deref(), text("count").as_deref())?;
        let found = call
            .app()
            .scim_list_users(&call.base(), text("filter").as_deref(), paging)
            .await?;
        let projection = Projection::parse(
            names(&request, "attributes").as_deref(),
            names(&request, "excludedAttributes").as_deref(),
        );
        Ok(ScimReply::ok(project(&projection, found)))
    }
    .await;
    call.answer(reply).await
}

#[tracing::instrument(skip_all)]
async fn list(call: Call, Query(query): Query<HashMap<String, String>>) -> ScimReply {
    let reply = async {
        let paging = Paging::parse(
            query.get("startIndex").map(String::as_str),
            query.get("count").map(String::as_str),
        )?;
        let filter = query.get("filter").map(String::as_str);
        let body = call
            .app()
            .scim_list_users(&call.base(), filter, paging)
            .await?;
        Ok(ScimReply::ok(projected(&query, body)))
    }
    .await;
    call.answer(reply).await
}

#[tracing::instrument(skip_all)]
async fn create(call: Call, body: Bytes) -> ScimReply {
    let reply = async {
        let body = json_body(&body)?;
        let created = call
            .app()
            .scim_create_user(&call.client.0, &call.base(), body)
            .await?;
        Ok(ScimReply::created(created))
    }
    .await;
    call.answer(reply).await
}

#[tracing::instrument(skip_all)]
async fn show(
    call: Call,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ScimReply {
    let reply = call.app().scim_get_user(&call.base(), &id).await;
    call.answer(reply.map(|body| ScimReply::ok(projected(&query, body))))
        .await
}

#[tracing::instrument(skip_all)]
async fn replace(call: Call, Path(id): Path<String>, body: Bytes) -> ScimReply {
    let reply = async {
        let body = json_body(&body)?;
        let replaced = call
            .app()
            .scim_replace_user(&call.client.0, &call.base(), &id, body)
            .await?;
        Ok(ScimReply::ok(replaced))
    }
    .await;
    call.answer(reply).await
}

#[tracing::instrument(skip_all)]
async fn patch(call: Call, Path(id): Path<String>, body: Bytes) -> ScimReply {
    let reply = async {
        let body = json_body(&body)?;
        let patched = call
            .app()
            .scim_patch_user(&call.client.0, &call.base(), &id, body)
            .await?;
        Ok(ScimReply::ok(patched))
    }
    .await;
    call.answer(reply).await
}

#[tracing::instrument(skip_all)]
async fn remove(call: Call, Path(id): Path<String>) -> ScimReply {
    let reply = call.app().scim_delete_user(&call.client.0, &id).await;
    call.answer(reply.map(|()| ScimReply::no_content())).await
}
