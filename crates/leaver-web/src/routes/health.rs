//! `GET /healthz` (the process answers) and `GET /readyz` (the database answers too).

use crate::{AppError, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    state
        .app
        .ping()
        .await
        .map_err(|e| AppError::Unavailable(format!("database: {e}")))?;
    Ok(Json(json!({ "status": "ready" })))
}
