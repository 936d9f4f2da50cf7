//! `GET /metrics`: Prometheus text. Cases by state, steps by kind and state, the steps waiting
//! on the Hub (retrying) and the age of the oldest retry, the Hub client's calls, 429 answers and
//! circuit (when it runs in this process), the email outbox's depth and the drift the watch has
//! detected.

use crate::{AppError, AppState};
use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use std::fmt::Write;

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let metrics = state.app.metrics().await?;
    let mut out = String::new();
    family(&mut out, "leaver_cases", "gauge", "Cases by state.");
    for (s, n) in metrics.cases {
        let _ = writeln!(out, "leaver_cases{{state=\"{s}\"}} {n}");
    }
    family(
        &mut out,
        "leaver_steps",
        "gauge",
        "Steps by kind and state.",
    );
    for c in metrics.steps {
        let _ = writeln!(
            out,
            "leaver_steps{{kind=\"{}\",state=\"{}\"}} {}",
            c.kind, c.state, c.count
        );
    }
    family(
        &mut out,
        "leaver_steps_retrying",
        "gauge",
        "Steps failing transiently and being retried (waiting on the Hub).",
    );
    let _ = writeln!(out, "leaver_steps_retrying {}", metrics.retrying.count);
    family(
        &mut out,
        "leaver_steps_retrying_oldest_seconds",
        "gauge",
        "Seconds since the first failure of the step retrying longest (0 when none is).",
    );
    let oldest = metrics
        .retrying
        .oldest_since
        .map_or(0, |since| (state.app.now() - since).whole_seconds().max(0));
    let _ = writeln!(out, "leaver_steps_retrying_oldest_seconds {oldest}");
    family(
        &mut out,
        "leaver_hub_circuit_open",
        "gauge",
        "1 while this process holds Hub calls back because the Hub keeps failing.",
    );
    let _ = writeln!(
        out,
        "leaver_hub_circuit_open {}",
        u8::from(metrics.hub_circuit_open)
    );
    let (calls, limited) = metrics.hub;
    family(
        &mut out,
        "leaver_hub_calls_total",
        "counter",
        "Requests sent to the Hub by this process.",
    );
    let _ = writeln!(out, "leaver_hub_calls_total {calls}");
    family(
        &mut out,
        "leaver_hub_rate_limited_total",
        "counter",
        "429 answers from the Hub.",
    );
    let _ = writeln!(out, "leaver_hub_rate_limited_total {limited}");
    family(
        &mut out,
        "leaver_email_outbox_depth",
        "gauge",
        "Emails waiting to be sent.",
    );
    let _ = writeln!(out, "leaver_email_outbox_depth {}", metrics.outbox_depth);
    family(
        &mut out,
        "leaver_drift_detected_total",
        "counter",
        "Access that came back after a case completed, found by the drift watch.",
    );
    let _ = writeln!(
        out,
        "leaver_drift_detected_total {}",
        metrics.drift_detected
    );
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        out,
    ))
}
