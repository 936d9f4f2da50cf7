//! `X-Request-Id` on every response, as the Hub sends one to quote to support.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// Middleware: tag the response with a fresh request id.
pub async fn middleware(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let id = uuid::Uuid::new_v4().simple().to_string();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
