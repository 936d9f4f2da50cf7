//! Fault injection (`POST /_sim/faults`): added latency, a random error rate, and
//! "fail the next N calls to this route" rules.
//!
//! A faulted request normally never reaches its handler, so it changes no state. A
//! `fail_next` rule can instead play the two ways a write's answer gets lost on the real
//! Hub, after the write took effect:
//! - `"after_apply": true`: the handler runs (the write is applied), then its answer is
//!   replaced by `status` (502 when absent), as a proxy that lost the upstream answer would.
//! - `"drop": true`: the connection is closed without any answer; with `after_apply` the
//!   write was applied first, without it the request never reached its handler.
//!
//! `GET /_sim/calls` logs such a write with the status the client got (0 when dropped) and
//! `applied: true` when its handler answered 2xx, and counts it in `ok_by_route`.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::calls::route_key;
use crate::errors::ApiError;
use crate::state::AppState;

/// The active faults. An empty object clears them all.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Probability (0..=1) that a request fails with `error_status`.
    pub error_rate: f64,
    /// Status of random failures; 503 when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_status: Option<u16>,
    /// Delay added before every request.
    pub latency_ms: u64,
    /// Deterministic failures, consumed in order.
    pub fail_next: Vec<FailNext>,
}

/// Fail the next `count` requests to `route` with `status` (or by dropping the connection),
/// before or after the handler applies them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FailNext {
    /// `METHOD /route/{template}` (as in `/_sim/calls`) or `METHOD /concrete/path`.
    pub route: String,
    /// Status to answer; 502 when absent.
    #[serde(default = "bad_gateway")]
    pub status: u16,
    /// How many requests to fail; 1 when absent.
    #[serde(default = "one")]
    pub count: u32,
    /// Let the handler apply the request first, then lose its answer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after_apply: bool,
    /// Close the connection without answering instead of answering `status`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop: bool,
}

fn one() -> u32 {
    1
}

fn bad_gateway() -> u16 {
    502
}

/// How one request is failed.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Failure {
    status: u16,
    after_apply: bool,
    drop: bool,
}

/// Marks a response whose real answer never reached the client; `calls` logs it as such.
#[derive(Debug, Clone, Copy)]
pub struct LostAnswer {
    /// The handler's status when it ran (`after_apply`), `None` when it never did.
    pub handler_status: Option<u16>,
    /// The connection was closed without an answer.
    pub dropped: bool,
}

impl Faults {
    /// Checks statuses and rate before the faults are installed.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.error_rate) {
            return Err("error_rate must be between 0 and 1".into());
        }
        let statuses = self
            .error_status
            .into_iter()
            .chain(self.fail_next.iter().map(|f| f.status));
        for status in statuses {
            if !(400..=599).contains(&status) {
                return Err(format!("fault status {status} must be between 400 and 599"));
            }
        }
        Ok(())
    }

    /// Decides whether this request fails: `fail_next` rules first, then the random rate.
    fn draw(&mut self, template_key: &str, path_key: &str) -> Option<Failure> {
        let hit = self
            .fail_next
            .iter()
            .position(|f| f.count > 0 && (f.route == template_key || f.route == path_key));
        if let Some(index) = hit {
            let rule = &mut self.fail_next[index];
            rule.count -= 1;
            let failure = Failure {
                status: rule.status,
                after_apply: rule.after_apply,
                drop: rule.drop,
            };
            if rule.count == 0 {
                self.fail_next.remove(index);
            }
            return Some(failure);
        }
        if self.error_rate > 0.0 && rand::random::<f64>() < self.error_rate {
            return Some(Failure {
                status: self.error_status.unwrap_or(503),
                after_apply: false,
                drop: false,
            });
        }
        None
    }
}

/// Middleware: apply latency, then maybe answer with an injected error (before or after
/// the handler ran) or drop the connection.
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let template_key = route_key(&request);
    let path_key = format!("{} {}", request.method(), request.uri().path());
    let (latency_ms, failure) = {
        let mut faults = state.faults();
        (faults.latency_ms, faults.draw(&template_key, &path_key))
    };
    if latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(latency_ms)).await;
    }
    let Some(failure) = failure else {
        return next.run(request).await;
    };
    let handler_status = match failure.after_apply {
        true => Some(next.run(request).await.status().as_u16()),
        false => None,
    };
    let mut response = if failure.drop {
        dropped_connection()
    } else {
        let status = StatusCode::from_u16(failure.status).unwrap_or(StatusCode::BAD_GATEWAY);
        ApiError::new(status, "Simulated failure (hubsim fault injection)").into_response()
    };
    if failure.after_apply || failure.drop {
        response.extensions_mut().insert(LostAnswer {
            handler_status,
            dropped: failure.drop,
        });
    }
    response
}

/// A response whose body fails before a byte of it is written: hyper then closes the
/// connection, and the client sees it closed before any answer.
fn dropped_connection() -> Response {
    Response::new(Body::new(Broken))
}

/// A body that fails at once.
struct Broken;

impl http_body::Body for Broken {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::other(
            "hubsim: connection dropped (fault injection)",
        ))))
    }
}
