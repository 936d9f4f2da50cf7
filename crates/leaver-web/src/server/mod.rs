//! Serving the router over HTTP/1.1 with limits that keep slow or idle clients from holding the
//! process: a request's head must arrive within `header_timeout`, a connection on which nothing
//! moves for `idle_timeout` is dropped, and at most `max_connections` are open at once (the
//! rest wait in the listen queue, so `/healthz` answers as soon as any slot frees). axum's own
//! `serve` offers none of these; this is hyper's connection builder with the same graceful
//! shutdown, and each request carries the peer's `ConnectInfo<SocketAddr>`.

mod idle;

use crate::AppState;
use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use idle::Idle;
use leaver_app::Settings;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt;

/// How long clients may take, and how many may be connected at once.
#[derive(Clone, Copy, Debug)]
struct ConnectionLimits {
    /// A request's head (request line and headers) must arrive whole within this time of the
    /// server waiting for it; a kept-alive connection waiting for its next request is closed
    /// after it too.
    header_timeout: Duration,
    /// A connection on which no byte moves either way for this long is closed: a stalled
    /// upload, an answer the client does not read, a request that takes this long to start
    /// being answered.
    idle_timeout: Duration,
    /// Connections open at once; keep it under the process's open-file limit (`ulimit -n`).
    max_connections: usize,
}

impl ConnectionLimits {
    /// `LEAVER_HEADER_TIMEOUT_SECS`, `LEAVER_IDLE_TIMEOUT_SECS`, `LEAVER_MAX_CONNECTIONS`.
    fn of(settings: &Settings) -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(settings.header_timeout_secs),
            idle_timeout: Duration::from_secs(settings.idle_timeout_secs),
            max_connections: settings.max_connections,
        }
    }
}

/// Serves `router(state)` on `listener` within the limits of the app's settings until
/// `shutdown` resolves, then lets the requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = ConnectionLimits::of(state.app.settings());
    let app = crate::router(state);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let next = async {
            let slot = slots.clone().acquire_owned().await;
            (slot, listener.accept().await)
        };
        let (slot, accepted) = tokio::select! {
            next = next => next,
            () = shutdown.as_mut() => break,
        };
        let Ok(slot) = slot else { break };
        match accepted {
            Ok((stream, peer)) => {
                let app = app.clone();
                let stopping = stopping.clone();
                tokio::spawn(connection(stream, peer, app, limits, slot, stopping));
            }
            Err(error) => pause_after(&error).await,
        }
    }
    drop(listener);
    let _ = stop.send(true);
    // Every open connection holds a slot: all of them back means all have finished.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
    Ok(())
}

/// Serves one connection, holding `_slot` until it ends; on shutdown, finishes the request in
/// flight and closes.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    _slot: OwnedSemaphorePermit,
    mut stopping: watch::Receiver<bool>,
) {
    let service = app.map_request(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    });
    let io = TokioIo::new(Idle::new(stream, limits.idle_timeout));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut conn = std::pin::pin!(builder.serve_connection(io, TowerToHyperService::new(service)));
    let stop = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    let result = tokio::select! {
        result = conn.as_mut() => result,
        () = stop => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(error) = result {
        tracing::debug!(%peer, %error, "connection ended");
    }
}

/// After a failed accept: none if only that connection failed; a moment if the process is out
/// of resources (open files, say), so the loop does not spin.
async fn pause_after(error: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        tracing::warn!(%error, "accepting a connection failed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
