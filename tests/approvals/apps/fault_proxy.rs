//! The tests' fault injector in front of a scim2-server: a loopback HTTP proxy that forwards
//! every request as it came, except that it answers 503 to the next `n` requests once armed
//! ([`FaultProxy::fail_next`]) and refuses PATCH with 405 when told to. It logs each request's
//! method and path, so a test can say which writes reached the app. Not a mock: every answer
//! that is not a fault is scim2-server's own.

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A running proxy.
#[derive(Clone)]
pub struct FaultProxy {
    /// The proxy's base URL, to configure as the app's.
    pub url: String,
    faults: Arc<Faults>,
}

struct Faults {
    upstream: String,
    http: reqwest::Client,
    failing: AtomicUsize,
    refuse_patch: AtomicBool,
    /// `METHOD /path` of every request, faulted or not, in order.
    seen: Mutex<Vec<String>>,
    /// How many 503s were answered.
    failed: AtomicUsize,
}

impl FaultProxy {
    /// A proxy on a free loopback port in front of `upstream`.
    pub async fn start(upstream: &str) -> FaultProxy {
        let faults = Arc::new(Faults {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            failing: AtomicUsize::new(0),
            refuse_patch: AtomicBool::new(false),
            seen: Mutex::new(Vec::new()),
            failed: AtomicUsize::new(0),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let router = axum::Router::new()
            .fallback(forward)
            .with_state(faults.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        FaultProxy { url, faults }
    }

    /// Answers 503 to the next `n` requests.
    pub fn fail_next(&self, n: usize) {
        self.faults.failing.store(n, Ordering::SeqCst);
    }

    /// Answers 405 to every PATCH.
    pub fn refuse_patch(&self) {
        self.faults.refuse_patch.store(true, Ordering::SeqCst);
    }

    /// How many 503s it answered.
    pub fn failed(&self) -> usize {
        self.faults.failed.load(Ordering::SeqCst)
    }

    /// The requests with `method` it saw.
    pub fn seen(&self, method: &str) -> Vec<String> {
        let seen = self.faults.seen.lock().expect("log");
        seen.iter()
            .filter(|line| line.starts_with(&format!("{method} ")))
            .cloned()
            .collect()
    }
}

async fn forward(State(faults): State<Arc<Faults>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request
        .uri()
        .path_and_query()
        .map_or("/".to_owned(), |p| p.as_str().to_owned());
    faults
        .seen
        .lock()
        .expect("log")
        .push(format!("{method} {}", request.uri().path()));
    let take_one = |n: usize| n.checked_sub(1);
    if faults
        .failing
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, take_one)
        .is_ok()
    {
        faults.failed.fetch_add(1, Ordering::SeqCst);
        let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"503","detail":"injected outage"}"#;
        return (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
    }
    if method == Method::PATCH && faults.refuse_patch.load(Ordering::SeqCst) {
        return (StatusCode::METHOD_NOT_ALLOWED, "PATCH is not supported").into_response();
    }
    let headers: HeaderMap = request.headers().clone();
    let body: Bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let mut upstream = faults
        .http
        .request(method, format!("{}{path}", faults.upstream))
        .body(body);
    for name in ["authorization", "content-type", "accept"] {
        if let Some(value) = headers.get(name) {
            upstream = upstream.header(name, value);
        }
    }
    match upstream.send().await {
        Ok(answer) => {
            let status = answer.status();
            let content_type = answer.headers().get("content-type").cloned();
            let body = answer.bytes().await.unwrap_or_default();
            let mut response = (status, body).into_response();
            if let Some(content_type) = content_type {
                response.headers_mut().insert("content-type", content_type);
            }
            response
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}
