//! Leaver's HTTP face. Handlers are thin: extract, call the store and the core, render. No Hub
//! calls happen inline; anything slow goes through the job outbox.

mod error;
mod routes;
mod state;

pub use error::AppError;
pub use state::AppState;

use axum::Router;

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(routes::health::router())
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
