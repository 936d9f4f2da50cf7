//! Planning 100 leavers in an org with 200 gated repos: the Hub calls the shared org index makes,
//! next to a per-leaver walk of every repo. Run: `cargo bench -p leaver-engine --bench planning`.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark: any failure should stop it loudly"
)]

use leaver_core::{CaseId, CaseState, Ticket, TicketInput};
use leaver_engine::{Engine, EngineConfig, SystemClock, read_org};
use leaver_hub::{HubClient, HubConfig};
use leaver_store::{Actor, CaseFilter, Store, scratch};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;
use time::OffsetDateTime;

const LEAVERS: usize = 100;
const OTHERS: usize = 200;
const REPOS: usize = 200;
const TOKEN: &str = "hf_bench_admin";

fn world() -> Value {
    let leavers = (0..LEAVERS).map(|n| format!("leaver{n:03}"));
    let others = (0..OTHERS).map(|n| format!("member{n:03}"));
    let users: Vec<String> = leavers.chain(others).collect();
    let mut members = vec![
        json!({"user": "leaver-bot", "role": "admin"}),
        json!({"user": "chief", "role": "admin"}),
    ];
    members.extend(users.iter().map(|u| json!({"user": u, "role": "write"})));
    let repos: Vec<Value> = (0..REPOS)
        .map(|r| {
            // Each repo has ~15 holders; every leaver holds a grant on a few repos.
            let holders: Vec<Value> = (0..15)
                .map(|k| json!({"user": users[(r * 7 + k * 13) % users.len()], "status": if k % 3 == 0 { "pending" } else { "accepted" }}))
                .collect();
            json!({"id": format!("bench-org/model-{r:03}"), "type": "model", "private": false, "gated": "manual", "access_requests": holders})
        })
        .collect();
    json!({
        "tokens": [{"user": "leaver-bot", "value": TOKEN}],
        "orgs": [{"name": "bench-org", "plan": "team", "scim": "none", "members": members}],
        "repos": repos,
    })
}

fn calls(sim: &str) -> u64 {
    hubsim::bench::calls(sim).unwrap()["total"]
        .as_u64()
        .unwrap()
}

#[tokio::main]
async fn main() {
    let seed = world();
    let sim = hubsim::spawn(serde_json::from_value(seed.clone()).unwrap())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let hub = HubClient::new(HubConfig::new(
        sim.url.parse().unwrap(),
        TOKEN.to_owned().into(),
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = scratch::sqlite(dir.path()).await.unwrap();
    let store = Arc::new(store);
    let config = EngineConfig {
        orgs: vec!["bench-org".into()],
        batch: 16,
        ..EngineConfig::default()
    };
    let engine = Engine::new(store.clone(), hub.clone(), Arc::new(SystemClock), config);

    let started = Instant::now();
    for n in 0..LEAVERS {
        let ticket = Ticket::parse(&TicketInput {
            external_id: Some(format!("BENCH-{n}")),
            email: Some(format!("leaver{n:03}@bench.test")),
            hub_username: Some(format!("leaver{n:03}")),
            manager_email: Some("chief@bench.test".into()),
            ..TicketInput::default()
        })
        .unwrap();
        store
            .open_case(
                &ticket,
                CaseId::random(),
                &Actor::cli(),
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
    }
    engine.run_until_idle().await.unwrap();
    let elapsed = started.elapsed();
    let filter = CaseFilter {
        state: Some(CaseState::AwaitingApproval),
        limit: Some(1000),
        ..CaseFilter::default()
    };
    let planned = store.list_cases(&filter).await.unwrap();
    assert_eq!(planned.len(), LEAVERS, "every case planned");
    let steps: usize = planned.iter().map(|c| c.steps.len()).sum();
    let shared = calls(&sim.url);

    // The naive way: each leaver's planning walks the org and every repo on its own.
    http.post(format!("{}/_sim/reset", sim.url))
        .json(&seed)
        .send()
        .await
        .unwrap();
    let me = hub.whoami().await.unwrap();
    for _ in 0..LEAVERS {
        read_org(&hub, "bench-org", &me).await.unwrap();
    }
    let naive = calls(&sim.url);

    println!(
        "planning {LEAVERS} leavers, org of {} members and {REPOS} gated repos",
        LEAVERS + OTHERS + 2
    );
    println!(
        "  planned steps           {steps} ({:.1} per case)",
        steps as f64 / LEAVERS as f64
    );
    println!("  wall time (plan jobs)   {:.2} s", elapsed.as_secs_f64());
    println!("  Hub calls, shared index {shared}");
    println!(
        "  Hub calls, per-leaver   {naive} (measured: one walk of the org and every repo per leaver)"
    );
    println!(
        "  saved                   {:.1}x",
        naive as f64 / shared as f64
    );
}
