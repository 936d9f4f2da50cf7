//! A Hub that answers one call in five with 503 and keeps throwing bursts of 429 at the member
//! routes: the engine retries its way through, every case completes, nothing is done twice.

use crate::support::*;
use leaver_engine::{Engine, EngineConfig, SystemClock};
use leaver_hub::{HubClient, HubConfig};
use leaver_store::scratch;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CASES: usize = 30;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_failing_one_call_in_five_and_bursting_429s_still_offboards_everyone_once() {
    let dir = tempfile::tempdir().expect("dir");
    for (store, _) in scratch::all(dir.path()).await.expect("stores") {
        let world = World::new(CASES);
        let sim = Sim::spawn(world.seed()).await;
        let store = Arc::new(store);
        let engine = engine(&sim, store.clone());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let workers = tokio::spawn(engine.run(2, stopped));
        open_cases(&store, &world).await;
        sim.set_faults(stormy()).await;
        // A fresh burst of 429s every half second, for the whole run: bursts, not a wall
        // (renewed on every poll they would refuse a route for good and no retry budget could win).
        let mut last_burst = Instant::now();
        drive_to_completion(&store, CASES, Duration::from_secs(120), async |_| {
            if last_burst.elapsed() >= BURST_EVERY {
                sim.set_faults(stormy()).await;
                last_burst = Instant::now();
            }
        })
        .await;
        sim.clear_faults().await;
        let _ = stop.send(true);
        workers.await.expect("workers");

        let calls = sim.calls().await;
        let statuses: Vec<u16> = writes(&calls).iter().map(|w| w.status).collect();
        assert!(
            statuses.contains(&503),
            "the storm reached the writes: {statuses:?}"
        );
        assert!(
            statuses.contains(&429),
            "the bursts reached the writes: {statuses:?}"
        );
        assert_each_destructive_write_once(&calls, &world.expected_writes());
        assert_offboarded(&sim.state().await, &world.leavers);
        assert_each_step_carried_out_once(&store).await;
    }
}

/// The engine in this process, with quick retries so that the storm costs seconds, not minutes.
fn engine(sim: &Sim, store: Arc<leaver_store::SqlStore>) -> Arc<Engine> {
    let base = url::Url::parse(&sim.url).expect("url");
    let config = HubConfig::new(base, TOKEN.to_owned().into()).with_retries(
        4,
        Duration::from_millis(5),
        Duration::from_millis(40),
    );
    let engine_config = EngineConfig {
        orgs: ORGS.split(',').map(Into::into).collect(),
        backoff_base: Duration::from_millis(20),
        backoff_cap: Duration::from_millis(200),
        idle_wait: Duration::from_millis(20),
        ..EngineConfig::default()
    };
    let hub = HubClient::new(config).expect("hub client");
    Engine::new(store, hub, Arc::new(SystemClock), engine_config)
}
