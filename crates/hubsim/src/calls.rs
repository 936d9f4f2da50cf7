//! Call counting for `GET /_sim/calls`: every Hub request (429s and injected faults
//! included) counted by `METHOD route-template`, plus the ordered list of write calls.

use std::collections::BTreeMap;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::state::AppState;

/// Counters since start or the last reset.
#[derive(Debug, Default, Serialize)]
pub struct CallLog {
    /// All counted requests.
    pub total: u64,
    /// Requests per `METHOD /route/{template}` (raw path for unknown routes).
    pub by_route: BTreeMap<String, u64>,
    /// Every non-GET/HEAD request, in arrival order of their answers.
    pub writes: Vec<WriteCall>,
}

/// One write call.
#[derive(Debug, Clone, Serialize)]
pub struct WriteCall {
    /// HTTP method.
    pub method: String,
    /// Route template, e.g. `/api/organizations/{org}/members/{user}`.
    pub route: String,
    /// Concrete path, e.g. `/api/organizations/acme/members/bob`.
    pub path: String,
    /// Status of the answer.
    pub status: u16,
}

/// The request's route template (axum's `MatchedPath`), or its raw path when unmatched.
pub fn route_template(request: &Request) -> String {
    request.extensions().get::<MatchedPath>().map_or_else(
        || request.uri().path().to_string(),
        |m| m.as_str().to_string(),
    )
}

/// `METHOD template`, the key of `by_route` and of `fail_next` faults.
pub fn route_key(request: &Request) -> String {
    format!("{} {}", request.method(), route_template(request))
}

/// Middleware: count the request and log it (method, route, status; never headers).
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = route_template(&request);
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    tracing::debug!(%method, %route, status, "hub call");
    let mut calls = state.calls();
    calls.total += 1;
    *calls
        .by_route
        .entry(format!("{method} {route}"))
        .or_default() += 1;
    if method != axum::http::Method::GET && method != axum::http::Method::HEAD {
        calls.writes.push(WriteCall {
            method: method.to_string(),
            route,
            path,
            status,
        });
    }
    response
}
