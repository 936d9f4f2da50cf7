//! Pacing from the `RateLimit` headers: a backlog larger than the quota never sees a 429.

use serde_json::json;

use crate::support::{ALICE, standard_seed, start};

const QUOTA: u64 = 60;
const BACKLOG: u64 = 300;
const WORKERS: u64 = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backlog_of_300_calls_keeps_to_60_calls_per_10_seconds_without_a_single_429() {
    let mut seed = standard_seed();
    seed["rate_limit"] = json!({"quota": QUOTA, "window_s": 10});
    let sim = start(seed).await;
    let client = sim.client(ALICE);

    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let client = client.clone();
        workers.push(tokio::spawn(async move {
            let mut names = Vec::new();
            for _ in 0..BACKLOG / WORKERS {
                names.push(client.org_overview("acme-ai").await.unwrap().name);
            }
            names
        }));
    }
    let mut done = 0;
    for worker in workers {
        let names = worker.await.unwrap();
        assert!(names.iter().all(|n| n == "acme-ai"));
        done += names.len() as u64;
    }

    assert_eq!(done, BACKLOG);
    assert_eq!(
        client.rate_limited_responses(),
        0,
        "the client never saw a 429"
    );
    assert_eq!(client.calls_made(), BACKLOG, "no call needed a retry");
    let calls = sim.calls().await;
    assert_eq!(
        calls["total"].as_u64(),
        Some(BACKLOG),
        "hubsim counted no extra (429) call"
    );
}
