//! hubsim: a stateful stand-in for the Hugging Face Hub HTTP API.
//!
//! It answers the endpoints Leaver uses as `shared/reference/hf-hub-api.md` describes them
//! (paths, fields, status codes, error headers, Link and SCIM pagination, rate-limit
//! headers and 429s), from a JSON [`Seed`], and exposes `/_sim/*` control routes for
//! tests. It shares no code with the Hub client on purpose: a misreading of the Hub then
//! shows up as a failing test instead of cancelling out.

pub mod audit;
pub mod auth;
pub mod bench;
pub mod calls;
pub mod dump;
pub mod errors;
pub mod extract;
pub mod faults;
pub mod ids;
pub mod membership;
pub mod pagination;
pub mod ratelimit;
mod repo_seed;
pub mod request_id;
pub mod roles;
pub mod routes;
pub mod seed;
pub mod state;
pub mod views;

use std::net::SocketAddr;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};

pub use seed::Seed;
use state::AppState;

/// The whole app for `seed`, state inside.
///
/// Layers, outermost first: request id (every response) → call counting → rate limit →
/// faults → handler. The `/_sim/*` routes sit outside counting, rate limit and faults.
pub fn router(seed: Seed) -> Router {
    let state = AppState::new(seed);
    let hub = routes::hub_routes()
        .fallback(errors::not_found_fallback)
        .method_not_allowed_fallback(errors::method_not_allowed_fallback)
        .layer(from_fn_with_state(state.clone(), faults::middleware))
        .layer(from_fn_with_state(state.clone(), ratelimit::middleware))
        .layer(from_fn_with_state(state.clone(), calls::middleware));
    hub.merge(routes::sim::routes())
        .layer(from_fn(request_id::middleware))
        .with_state(state)
}

/// A simulator serving on a background task.
#[derive(Debug, Clone)]
pub struct RunningSim {
    /// The bound address.
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`, the base URL to give a Hub client.
    pub url: String,
}

/// Binds `127.0.0.1:0` and serves `seed` on a background tokio task.
pub async fn spawn(seed: Seed) -> std::io::Result<RunningSim> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(error) = serve(listener, seed).await {
            tracing::error!(%error, "hubsim stopped");
        }
    });
    Ok(RunningSim {
        addr,
        url: format!("http://{addr}"),
    })
}

/// Serves `seed` on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, seed: Seed) -> std::io::Result<()> {
    axum::serve(listener, router(seed)).await
}
