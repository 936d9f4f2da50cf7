//! Leaver's HTTP face. Handlers are thin: extract, call the store and the core, render. No Hub
//! calls happen inline; anything slow goes through the job outbox.
//!
//! - operator pages (login required): `/`, `/cases`, `/cases/{id}`, `/cases/new`, `/import`,
//!   `/audit`, `/settings`, evidence exports; `/login`, `/logout`;
//! - the REST API for HR systems under `/api/v1` (API keys), `/api/openapi.json`;
//! - `/healthz`, `/readyz`, `/metrics`;
//! - `/mail`, the demo's mailbox, only when `leaver demo` hands one in.
//!
//! [`serve`] limits how long clients may take and how many may connect; every response carries
//! `nosniff`, frame denial and (over https) HSTS.

pub mod approval_links;
pub mod auth;
mod error;
pub mod evidence;
pub mod import;
pub mod mailbox;
mod routes;
mod security_headers;
mod server;
pub mod settings_view;
mod state;
mod typed_text;
pub mod views;

pub use approval_links::{ApprovalLinks, GuessBrake};
pub use error::AppError;
pub use mailbox::{MailItem, MailboxReader};
pub use routes::api::openapi::ApiDoc;
pub use server::{ConnectionLimits, serve, serve_with};
pub use settings_view::{OrgView, SettingsHandle, SettingsView};
pub use state::{AppState, HubCounters};

use axum::Router;

/// The whole application.
pub fn router(state: AppState) -> Router {
    let https = state.secure_cookies;
    let app = Router::new()
        .merge(routes::health::router())
        .merge(routes::metrics::router())
        .merge(routes::api::router())
        .merge(routes::approvals::router())
        .merge(routes::mail::router())
        .merge(routes::pages())
        .with_state(state);
    security_headers::add(app, https)
}
