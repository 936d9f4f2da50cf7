//! `GET /approvals/{token}` (and HEAD): shows the request; changes nothing.

use super::page::{find, page, respond};
use crate::AppState;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Deserialize)]
pub struct Preselect {
    decision: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    Query(preselect): Query<Preselect>,
) -> Response {
    let (link, case) = match find(&state, &token, peer.ip()).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    match page(&state, &token, &link, &case).await {
        Ok(mut page) => {
            page.preselect = preselect
                .decision
                .filter(|d| d == "approve" || d == "reject");
            respond(StatusCode::OK, page)
        }
        Err(error) => error.into_response(),
    }
}
