//! Call counting for `GET /_sim/calls`: every Hub request (429s and injected faults
//! included) counted by `METHOD route-template`, the writes that took effect counted the same
//! way (`ok_by_route`, lost answers included), plus the ordered list of write calls.

use std::collections::BTreeMap;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::faults::LostAnswer;

use crate::state::AppState;

/// Counters since start or the last reset.
#[derive(Debug, Default, Serialize)]
pub struct CallLog {
    /// All counted requests.
    pub total: u64,
    /// Requests per `METHOD /route/{template}` (raw path for unknown routes).
    pub by_route: BTreeMap<String, u64>,
    /// Write calls that took effect (their handler answered 2xx, whether or not the client got
    /// that answer) per `METHOD /route/{template}`.
    pub ok_by_route: BTreeMap<String, u64>,
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
    /// Status of the answer the client got; 0 when the connection was dropped instead.
    pub status: u16,
    /// Whether the write took effect: its handler answered 2xx, even if a fault then lost
    /// that answer (`after_apply`).
    pub applied: bool,
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
    let (status, handler_status) = match response.extensions().get::<LostAnswer>() {
        Some(lost) => (
            if lost.dropped {
                0
            } else {
                response.status().as_u16()
            },
            lost.handler_status,
        ),
        None => (response.status().as_u16(), Some(response.status().as_u16())),
    };
    let applied = handler_status.is_some_and(|s| (200..300).contains(&s));
    tracing::debug!(%method, %route, status, applied, "hub call");
    let mut calls = state.calls();
    calls.total += 1;
    let key = format!("{method} {route}");
    *calls.by_route.entry(key.clone()).or_default() += 1;
    if method != axum::http::Method::GET && method != axum::http::Method::HEAD {
        if applied {
            *calls.ok_by_route.entry(key).or_default() += 1;
        }
        calls.writes.push(WriteCall {
            method: method.to_string(),
            route,
            path,
            status,
            applied,
        });
    }
    response
}
