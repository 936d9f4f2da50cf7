//! One module per resource; each exposes `router()`.

pub mod api;
pub mod approvals;
pub mod audit;
pub mod cases;
pub mod charts;
pub mod dashboard;
pub mod health;
pub mod import;
pub mod mail;
pub mod metrics;
pub mod roster;
pub mod scim;
pub mod session;
pub mod settings;

use crate::AppState;
use axum::Router;

/// The operator pages (each handler asks for a logged-in operator) and the login pages.
pub fn pages() -> Router<AppState> {
    Router::new()
        .merge(session::router())
        .merge(dashboard::router())
        .merge(cases::router())
        .merge(import::router())
        .merge(roster::router())
        .merge(charts::router())
        .merge(audit::router())
        .merge(settings::router())
}
