//! `POST /approvals/{token}/renew`: an expired, undecided link gets a fresh one, emailed to the
//! same approver. Nothing else can be renewed.

use super::decide::cross_site;
use super::page::{find, page, respond};
use crate::views::Flash;
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Deserialize)]
pub struct RenewForm {
    #[serde(default)]
    csrf: String,
}

#[tracing::instrument(skip_all)]
pub async fn renew(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<RenewForm>,
) -> Response {
    if let Some(refused) = cross_site(&state, &headers, &token, &form.csrf) {
        return refused;
    }
    let (link, case) = match find(&state, &token, peer.ip()).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let renewed = state.app.renew_link(&token).await;
    let (status, message) = match renewed {
        Ok(Some(_)) => (
            StatusCode::OK,
            Flash::info(format!("A fresh link is on its way to {}.", link.approver)),
        ),
        Ok(None) => (
            StatusCode::CONFLICT,
            Flash::error(
                "This link cannot be renewed: it is still valid, was used, or the case is closed.",
            ),
        ),
        Err(error) => return AppError::from(error).into_response(),
    };
    let link = match state.app.approval_link(&token).await {
        Ok(Some((fresh, _))) => fresh,
        _ => link,
    };
    match page(&state, &token, &link, &case).await {
        Ok(mut page) => {
            page.flash = Some(message);
            respond(status, page)
        }
        Err(error) => error.into_response(),
    }
}
