//! Approval links: `GET /approvals/{token}` shows the request and changes nothing (mail
//! scanners and link previews fetch links); `POST` decides; `POST .../renew` sends a fresh link
//! for an expired one. No login: the link's secret is the credential.

mod decide;
mod page;
mod renew;
mod show;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/approvals/{token}", get(show::show).post(decide::decide))
        .route("/approvals/{token}/renew", post(renew::renew))
}
