//! Leaver's HTTP face. Handlers are thin: extract, call a use case of `leaver_app::Leaver`,
//! render. No Hub calls happen inline; anything slow goes through the job outbox.
//!
//! - operator pages (login required): `/`, `/cases`, `/cases/{id}`, `/cases/new`, `/import`,
//!   `/audit`, `/settings`, evidence exports; `/login`, `/logout`;
//! - the REST API for HR systems under `/api/v1` (API keys), `/api/openapi.json`;
//! - `/healthz`, `/readyz`, `/metrics`;
//! - `/mail`, the demo's mailbox, only when `leaver demo` hands one in.
//!
//! [`serve`] limits how long clients may take and how many may connect; every response carries
//! `nosniff`, frame denial and (over https) HSTS.

pub mod auth;
mod charts;
mod error;
mod guess_brake;
mod routes;
mod security_headers;
mod server;
mod state;
pub mod views;

pub use error::AppError;
pub use guess_brake::GuessBrake;
pub use routes::api::openapi::ApiDoc;
pub use server::serve;
pub use state::AppState;

use axum::Router;

/// The whole application.
pub fn router(state: AppState) -> Router {
    let https = state.secure_cookies;
    let app = Router::new()
        .merge(routes::health::router())
        .merge(routes::metrics::router())
        .merge(routes::api::router())
        .merge(routes::scim::router())
        .merge(routes::approvals::router())
        .merge(routes::mail::router())
        .merge(routes::pages())
        .with_state(state);
    security_headers::add(app, https)
}
