//! Leaver's HTTP face. Handlers are thin: extract, call the store and the core, render. No Hub
//! calls happen inline; anything slow goes through the job outbox.
//!
//! - operator pages (login required): `/`, `/cases`, `/cases/{id}`, `/cases/new`, `/import`,
//!   `/audit`, `/settings`, evidence exports; `/login`, `/logout`;
//! - the REST API for HR systems under `/api/v1` (API keys), `/api/openapi.json`;
//! - `/healthz`, `/readyz`, `/metrics`.

pub mod approval_links;
pub mod auth;
mod error;
pub mod evidence;
pub mod import;
pub mod mailbox;
mod routes;
pub mod settings_view;
mod state;
mod typed_text;
pub mod views;

pub use approval_links::{ApprovalLinks, GuessBrake};
pub use error::AppError;
pub use mailbox::{MailItem, MailboxReader};
pub use routes::api::openapi::ApiDoc;
pub use settings_view::{OrgView, SettingsHandle, SettingsView};
pub use state::{AppState, HubCounters};

use axum::Router;

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(routes::health::router())
        .merge(routes::metrics::router())
        .merge(routes::api::router())
        .merge(routes::approvals::router())
        .merge(routes::mail::router())
        .merge(routes::pages())
        .with_state(state)
}

/// Serves `router(state)` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
