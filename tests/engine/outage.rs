//! A Hub outage in the middle of a run: 50 leavers, a Hub that fails one call in five with 503
//! and throws bursts of 429 at the member routes, and that answers 503 to every call for 20
//! seconds once the run is under way. Retrying by time (the product's default budget of a
//! day, `LEAVER_RETRY_FOR_SECS`) rides it out: every case completes with no operator action,
//! no step ever fails for good, and while the outage lasts the REST API shows steps retrying
//! (`retrying_since`) and `/metrics` counts them.
//!
//! The app is the one `leaver serve` builds (`leaver_testkit`), its workers running by
//! themselves, with the test kit's quick backoffs so the outage costs seconds of retrying, not
//! minutes.

use crate::support::*;
use leaver_store::Store;
use leaver_testkit::{Options, TestApp, apps};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::sync::watch;

const CASES: usize = 50;
const OUTAGE: Duration = Duration::from_secs(20);
/// The outage starts once this many cases are completed (the run is under way, most of it left).
const OUTAGE_AFTER: usize = 5;
const BURST_EVERY: Duration = Duration::from_millis(500);

/// 20% of all calls fail with 503, and the next three calls to each member route with 429.
fn stormy() -> Value {
    let burst = |route: &str| json!({"route": route, "status": 429, "count": 3});
    json!({
        "error_rate": 0.2,
        "error_status": 503,
        "fail_next": [
            burst("GET /api/organizations/{org}/members"),
            burst("PUT /api/organizations/{org}/members/{user}/role"),
            burst("DELETE /api/organizations/{org}/members/{user}"),
        ]
    })
}

/// Every call answered 503.
fn down() -> Value {
    json!({"error_rate": 1.0, "error_status": 503})
}

/// Where the run stands, driven from the polling loop.
#[derive(Debug, PartialEq)]
enum Phase {
    Stormy,
    Down { since: Instant },
    Back,
}

/// What the test saw while the Hub was down.
#[derive(Default)]
struct Seen {
    retrying_since: Option<String>,
    retrying_gauge: bool,
    circuit_open: bool,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_twenty_second_hub_outage_mid_run_is_ridden_out_and_all_fifty_cases_complete() {
    let world = World::new(CASES);
    let options = Options::default().world(world.seed()).settings(|s| {
        s.orgs = ORGS.split(',').map(Into::into).collect();
    });
    let (_dir, apps) = apps(options).await;
    for app in &apps {
        assert_eq!(
            app.app.settings().retry_for_secs,
            86_400,
            "the product's default retry budget"
        );
        let key = app.app.create_api_key("hr").await.expect("key");
        let sim = Sim::at(&app.hub_url);
        let (stop, stopped) = watch::channel(false);
        let workers = app.app.start_workers(stopped).expect("workers");
        let ids = open_cases(&app.store, &world).await;
        sim.set_faults(stormy()).await;

        let mut phase = Phase::Stormy;
        let mut last_burst = Instant::now();
        let mut seen = Seen::default();
        let mut calls_at = Vec::new();
        drive_to_completion(
            &app.store,
            CASES,
            Duration::from_secs(300),
            async |completed| match phase {
                Phase::Stormy if completed >= OUTAGE_AFTER => {
                    calls_at.push(total_calls(&sim).await);
                    sim.set_faults(down()).await;
                    phase = Phase::Down {
                        since: Instant::now(),
                    };
                }
                Phase::Down { since } if since.elapsed() >= OUTAGE => {
                    calls_at.push(total_calls(&sim).await);
                    sim.set_faults(stormy()).await;
                    phase = Phase::Back;
                }
                Phase::Down { .. } => look_while_down(app, &key, &ids, &mut seen).await,
                Phase::Stormy | Phase::Back if last_burst.elapsed() >= BURST_EVERY => {
                    sim.set_faults(stormy()).await;
                    last_burst = Instant::now();
                }
                Phase::Stormy | Phase::Back => {}
            },
        )
        .await;
        sim.clear_faults().await;
        let _ = stop.send(true);
        workers.stopped().await.expect("workers stop");

        assert_eq!(
            phase,
            Phase::Back,
            "the outage happened, mid-run, and ended"
        );
        let since = seen
            .retrying_since
            .expect("a step showed retrying_since during the outage");
        assert!(
            time::OffsetDateTime::parse(&since, &time::format_description::well_known::Rfc3339)
                .is_ok(),
            "{since}"
        );
        assert!(seen.retrying_gauge, "/metrics counted steps retrying");
        assert!(
            seen.circuit_open,
            "the shared circuit opened while the Hub was down"
        );
        // A figure, not an assertion: how hard Leaver pressed on the Hub while it was down.
        eprintln!(
            "{:?}: {} Hub calls during the {}s outage",
            app.dialect,
            calls_at[1] - calls_at[0],
            OUTAGE.as_secs()
        );
        let calls = sim.calls().await;
        assert_each_destructive_write_once(&calls, &world.expected_writes());
        assert_offboarded(&sim.state().await, &world.leavers);
        assert_each_step_carried_out_once(&app.store).await;
        assert_no_step_failed_for_good(app).await;
    }
}

/// Reads the cases through the REST API until a step shows `retrying_since`, and `/metrics`
/// until it counts steps retrying.
async fn look_while_down(app: &TestApp, key: &str, ids: &[leaver_core::CaseId], seen: &mut Seen) {
    if seen.retrying_since.is_none() {
        for id in ids {
            let case: Value = app
                .http
                .get(format!("{}/api/v1/cases/{id}", app.url))
                .bearer_auth(key)
                .send()
                .await
                .expect("GET case")
                .json()
                .await
                .expect("case JSON");
            let retrying = case["steps"]
                .as_array()
                .expect("steps")
                .iter()
                .find(|s| s["retrying_since"].is_string());
            if let Some(step) = retrying {
                assert!(step["error"].is_string(), "the last error shows: {step}");
                seen.retrying_since = step["retrying_since"].as_str().map(Into::into);
                break;
            }
        }
    }
    if !seen.retrying_gauge || !seen.circuit_open {
        let text = app
            .http
            .get(format!("{}/metrics", app.url))
            .send()
            .await
            .expect("GET /metrics")
            .text()
            .await
            .expect("text");
        seen.retrying_gauge |= text
            .lines()
            .filter_map(|l| l.strip_prefix("leaver_steps_retrying "))
            .any(|n| n.trim().parse::<i64>().is_ok_and(|n| n > 0));
        seen.circuit_open |= text.lines().any(|l| l == "leaver_hub_circuit_open 1");
    }
}

/// Every call hubsim has answered so far.
async fn total_calls(sim: &Sim) -> u64 {
    sim.calls().await["total"].as_u64().expect("total")
}

/// No failure was recorded without a next try: nothing ever waited for an operator.
async fn assert_no_step_failed_for_good(app: &TestApp) {
    let trail = app.store.audit_events(None).await.expect("trail");
    let failures: Vec<&Value> = trail
        .iter()
        .filter(|r| r.kind == "step_failed")
        .map(|r| &r.data["event"])
        .collect();
    assert!(!failures.is_empty(), "the Hub's failures reached the steps");
    let for_good: Vec<&&Value> = failures
        .iter()
        .filter(|e| e["retry_at"].is_null())
        .collect();
    assert!(for_good.is_empty(), "failed for good: {for_good:?}");
}
