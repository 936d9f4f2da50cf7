//! `cargo bench -p leaver-engine --bench layoff`: a layoff at the Hub's real rate. hubsim
//! enforces the Team plan's quota (3,000 calls per 5 minutes, given as 300 per 30 s), one Team
//! org holds 130 members and 30 gated models, and 100 of the members leave at once: their
//! tickets are opened through the batch intake (the CSV import's path), the manager approves
//! each case as it comes to wait, and the engine carries them out.
//!
//! Prints the time from the intake to the last case `completed` (its verify clean), the Hub
//! calls per leaver by purpose (the client's count, `leaver_hub::purpose`) and by route
//! (hubsim's `/_sim/calls`), and the 429 answers. `BENCH_QUOTA` and
//! `BENCH_WINDOW_S` change the rate, `BENCH_WORKERS` and `BENCH_BATCH` the engine's.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark: any failure should stop it loudly"
)]

use leaver_core::{CaseId, CaseState, Event, StepState, Ticket, TicketInput};
use leaver_engine::{Engine, EngineConfig, SystemClock};
use leaver_hub::{HubClient, HubConfig};
use leaver_store::{Actor, BatchItem, BatchWrite, CaseFilter, Store, scratch};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const ORG: &str = "layoff-org";
const TOKEN: &str = "hf_layoff_admin";
const LEAVERS: usize = 100;
const STAYERS: usize = 28;
const REPOS: usize = 30;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn leaver(n: usize) -> String {
    format!("leaver{n:03}")
}

/// The org: Leaver's bot and one human admin, 100 leavers with the `write` role, 28 who stay;
/// 30 gated models, each leaver holding accepted access to one of them and each stayer to two.
fn world(quota: u64, window_s: u64) -> Value {
    let mut users = vec![
        json!({"username": "leaver-bot"}),
        json!({"username": "chief"}),
    ];
    let mut members = vec![
        json!({"user": "leaver-bot", "role": "admin"}),
        json!({"user": "chief", "role": "admin"}),
    ];
    let mut holders = vec![Vec::new(); REPOS];
    for n in 0..LEAVERS {
        let user = leaver(n);
        users.push(json!({"username": user, "email": format!("{user}@layoff.test")}));
        members.push(json!({"user": user, "role": "write"}));
        holders[n % REPOS].push(json!({"user": user, "status": "accepted"}));
    }
    for n in 0..STAYERS {
        let user = format!("stayer{n:02}");
        users.push(json!({"username": user}));
        members.push(json!({"user": user, "role": "read"}));
        holders[n % REPOS].push(json!({"user": user, "status": "accepted"}));
        holders[(n + 7) % REPOS].push(json!({"user": user, "status": "accepted"}));
    }
    let repos: Vec<Value> = holders
        .into_iter()
        .enumerate()
        .map(|(r, requests)| {
            json!({"id": format!("{ORG}/model-{r:02}"), "type": "model", "private": false,
                   "gated": "manual", "access_requests": requests})
        })
        .collect();
    json!({
        "users": users,
        "tokens": [{"user": "leaver-bot", "value": TOKEN}],
        "orgs": [{"name": ORG, "plan": "team", "scim": "none", "members": members}],
        "repos": repos,
        "rate_limit": {"quota": quota, "window_s": window_s},
    })
}

fn tickets() -> Vec<(Ticket, CaseId)> {
    (0..LEAVERS)
        .map(|n| {
            let user = leaver(n);
            let ticket = Ticket::parse(&TicketInput {
                external_id: Some(format!("LAYOFF-{n}")),
                email: Some(format!("{user}@layoff.test")),
                hub_username: Some(user),
                manager_email: Some("chief@layoff.test".into()),
                ..TicketInput::default()
            })
            .unwrap();
            (ticket, CaseId::random())
        })
        .collect()
}

/// The manager approves every case waiting for them, until all are completed.
async fn approve_until_completed(store: &impl Store) {
    let waiting = CaseFilter {
        state: Some(CaseState::AwaitingApproval),
        limit: Some(LEAVERS as u32),
        ..CaseFilter::default()
    };
    let completed = CaseFilter {
        state: Some(CaseState::Completed),
        limit: Some(LEAVERS as u32),
        ..CaseFilter::default()
    };
    let approver = Actor::approver("chief@layoff.test");
    loop {
        let items: Vec<BatchItem> = store
            .list_cases(&waiting)
            .await
            .unwrap()
            .iter()
            .map(|case| BatchItem {
                case: case.id,
                lease: None,
                write: BatchWrite::Events {
                    events: vec![Event::Approved {
                        steps: case
                            .steps
                            .iter()
                            .filter(|s| s.state == StepState::AwaitingApproval)
                            .map(|s| s.id)
                            .collect(),
                    }],
                    detail: json!({}),
                },
            })
            .collect();
        for result in store
            .record_batch(&items, &approver, OffsetDateTime::now_utc())
            .await
            .unwrap()
        {
            result.unwrap();
        }
        if store.list_cases(&completed).await.unwrap().len() == LEAVERS {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::main]
async fn main() {
    let (quota, window_s) = (setting("BENCH_QUOTA", 300), setting("BENCH_WINDOW_S", 30));
    let sim = hubsim::spawn(serde_json::from_value(world(quota, window_s)).unwrap())
        .await
        .unwrap();
    let hub = HubClient::new(HubConfig::new(
        sim.url.parse().unwrap(),
        TOKEN.to_owned().into(),
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = scratch::sqlite(dir.path()).await.unwrap();
    let store = Arc::new(store);
    let config = EngineConfig {
        orgs: vec![ORG.into()],
        batch: u32::try_from(setting("BENCH_BATCH", 16)).unwrap(),
        idle_wait: Duration::from_millis(50),
        ..EngineConfig::default()
    };
    let workers = usize::try_from(setting("BENCH_WORKERS", 2)).unwrap();
    let engine = Engine::new(store.clone(), hub.clone(), Arc::new(SystemClock), config);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(engine.run(workers, stopped));

    let started = Instant::now();
    for opened in store
        .open_cases(&tickets(), &Actor::api("hr"), OffsetDateTime::now_utc())
        .await
        .unwrap()
    {
        opened.unwrap();
    }
    approve_until_completed(store.as_ref()).await;
    let elapsed = started.elapsed();
    let _ = stop.send(true);
    running.await.unwrap();

    let calls = hubsim::bench::calls(&sim.url).unwrap();
    let total = calls["total"].as_u64().unwrap();
    let by_route: BTreeMap<String, u64> =
        serde_json::from_value(calls["by_route"].clone()).unwrap();
    println!(
        "layoff: {LEAVERS} leavers in a Team org of {} members and {REPOS} gated models, quota {quota} per {window_s} s",
        LEAVERS + STAYERS + 2
    );
    println!(
        "  intake to the last case completed  {:.1} s",
        elapsed.as_secs_f64()
    );
    println!(
        "  Hub calls                          {total} ({:.1} per leaver)",
        total as f64 / LEAVERS as f64
    );
    println!("  by route (hubsim's count)");
    for (route, n) in &by_route {
        println!(
            "    {n:>5}  {:>5.2}/leaver  {route}",
            *n as f64 / LEAVERS as f64
        );
    }
    println!("  by purpose (Leaver's count)");
    for (purpose, n) in hub.calls_by_purpose() {
        println!(
            "    {n:>5}  {:>5.2}/leaver  {purpose}",
            n as f64 / LEAVERS as f64
        );
    }
    println!(
        "  429 answers                        {}",
        hub.rate_limited_responses()
    );
}
