//! Fault injection (`POST /_sim/faults`): added latency, a random error rate, and
//! "fail the next N calls to this route" rules. A faulted request never reaches its
//! handler, so it changes no state.

use std::time::Duration;

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

/// Fail the next `count` requests to `route` with `status`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FailNext {
    /// `METHOD /route/{template}` (as in `/_sim/calls`) or `METHOD /concrete/path`.
    pub route: String,
    /// Status to answer.
    pub status: u16,
    /// How many requests to fail; 1 when absent.
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
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
    fn draw(&mut self, template_key: &str, path_key: &str) -> Option<u16> {
        let hit = self
            .fail_next
            .iter()
            .position(|f| f.count > 0 && (f.route == template_key || f.route == path_key));
        if let Some(index) = hit {
            let rule = &mut self.fail_next[index];
            rule.count -= 1;
            let status = rule.status;
            if rule.count == 0 {
                self.fail_next.remove(index);
            }
            return Some(status);
        }
        if self.error_rate > 0.0 && rand::random::<f64>() < self.error_rate {
            return Some(self.error_status.unwrap_or(503));
        }
        None
    }
}

/// Middleware: apply latency, then maybe answer with an injected error.
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
    match failure {
        Some(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            ApiError::new(status, "Simulated failure (hubsim fault injection)").into_response()
        }
        None => next.run(request).await,
    }
}
