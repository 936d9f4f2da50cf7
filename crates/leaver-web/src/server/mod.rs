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
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt;

/// How long clients may take, and how many may be connected at once.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// A request's head (request line and headers) must arrive whole within this time of the
    /// server waiting for it; a kept-alive connection waiting for its next request is closed
    /// after it too.
    pub header_timeout: Duration,
    /// A connection on which no byte moves either way for this long is closed: a stalled
    /// upload, an answer the client does not read, a request that takes this long to start
    /// being answered.
    pub idle_timeout: Duration,
    /// Connections open at once; keep it under the process's open-file limit (`ulimit -n`).
    pub max_connections: usize,
}

impl ConnectionLimits {
    /// 10 s for a head, 60 s idle, 512 connections (half of the usual soft limit of 1024 open
    /// files, leaving the rest to the database, the Hub client and the mailer).
    pub const DEFAULT: ConnectionLimits = ConnectionLimits {
        header_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(60),
        max_connections: 512,
    };
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits::DEFAULT
    }
}

/// Serves `router(state)` on `listener` with the default limits until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, ConnectionLimits::default(), shutdown).await
}

/// Serves `router(state)` on `listener` within `limits` until `shutdown` resolves, then lets
/// the requests in flight finish.
pub async fn serve_with(
    listener: TcpListener,
    state: AppState,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
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
