//! Control routes under `/_sim/` (neither counted nor rate-limited): state dump, call
//! counters, fault injection and reset.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::errors::{ApiError, ApiResult};
use crate::extract::{Params, parse_json};
use crate::faults::Faults;
use crate::seed::Seed;
use crate::state::AppState;

/// The control routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_sim/state", get(state_dump))
        .route("/_sim/calls", get(calls))
        .route("/_sim/faults", post(faults))
        .route("/_sim/reset", post(reset))
}

/// `GET /_sim/state`: the current state in seed shape.
async fn state_dump(State(state): State<AppState>) -> Json<Seed> {
    Json(state.world().seed.clone())
}

/// `GET /_sim/calls`: `{total, by_route, ok_by_route}` (`ok_by_route`: the writes that took
/// effect, answer lost or not); with `?detail=1` also `writes`, every non-GET call in order
/// as `{method, route, path, status, applied}` (`status` 0: the connection was dropped).
async fn calls(State(state): State<AppState>, params: Params) -> Json<Value> {
    let calls = state.calls();
    let mut body =
        json!({"total": calls.total, "by_route": calls.by_route, "ok_by_route": calls.ok_by_route});
    if matches!(params.get("detail"), Some("1" | "true")) {
        body["writes"] = json!(calls.writes);
    }
    Json(body)
}

/// `POST /_sim/faults`: replaces the active faults (an empty object clears them).
async fn faults(State(state): State<AppState>, body: axum::body::Bytes) -> ApiResult<Json<Faults>> {
    let faults: Faults = if body.iter().all(u8::is_ascii_whitespace) {
        Faults::default()
    } else {
        parse_json(&body)?
    };
    faults.validate().map_err(ApiError::bad_request)?;
    *state.faults() = faults.clone();
    Ok(Json(faults))
}

/// `POST /_sim/reset`: loads a new seed (empty body: an empty world) and clears counters,
/// faults, rate windows and audit logs.
async fn reset(State(state): State<AppState>, body: axum::body::Bytes) -> ApiResult<Json<Value>> {
    let seed: Seed = if body.iter().all(u8::is_ascii_whitespace) {
        Seed::default()
    } else {
        parse_json(&body)?
    };
    state.reset(seed);
    Ok(Json(json!({"success": true})))
}
