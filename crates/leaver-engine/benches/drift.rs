//! One drift sweep over an org of 300 members and 200 gated repos with 100 watched cases (the
//! leavers of 100 completed cases): the Hub calls it makes, counted by hubsim (`/_sim/calls`),
//! next to a pass per watched case. Run: `cargo bench -p leaver-engine --bench drift`.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark: any failure should stop it loudly"
)]

use leaver_core::{CaseId, CaseState, Event, StepState, Ticket, TicketInput};
use leaver_engine::{Engine, EngineConfig, SystemClock};
use leaver_hub::{HubClient, HubConfig};
use leaver_store::{Actor, CaseFilter, Store, scratch};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;
use time::OffsetDateTime;

const WATCHED: usize = 100;
const MEMBERS: usize = 298;
const REPOS: usize = 200;
const TOKEN: &str = "hf_bench_admin";

/// bench-org: Leaver's bot, an admin and 298 members (300 in all); 200 gated models with ~15
/// holders each, all members. The 100 leavers hold nothing any more.
fn world() -> Value {
    let users: Vec<String> = (0..MEMBERS).map(|n| format!("member{n:03}")).collect();
    let mut members = vec![
        json!({"user": "leaver-bot", "role": "admin"}),
        json!({"user": "chief", "role": "admin"}),
    ];
    members.extend(users.iter().map(|u| json!({"user": u, "role": "write"})));
    let repos: Vec<Value> = (0..REPOS)
        .map(|r| {
            let holders: Vec<Value> = (0..15)
                .map(|k| json!({"user": users[(r * 7 + k * 13) % users.len()], "status": if k % 3 == 0 { "pending" } else { "accepted" }}))
                .collect();
            json!({"id": format!("bench-org/model-{r:03}"), "type": "model", "private": false, "gated": "manual", "access_requests": holders})
        })
        .collect();
    let leavers: Vec<Value> = (0..WATCHED)
        .map(|n| json!({"username": format!("leaver{n:03}")}))
        .collect();
    json!({
        "users": leavers,
        "tokens": [{"user": "leaver-bot", "value": TOKEN}],
        "orgs": [{"name": "bench-org", "plan": "team", "scim": "none", "members": members}],
        "repos": repos,
    })
}

/// Opens, plans, approves and runs a case per leaver until every one is completed.
async fn complete_cases(store: &Arc<leaver_store::SqlStore>, engine: &Arc<Engine>) {
    for n in 0..WATCHED {
        let ticket = Ticket::parse(&TicketInput {
            external_id: Some(format!("BENCH-{n}")),
            email: Some(format!("leaver{n:03}@bench.test")),
            hub_username: Some(format!("leaver{n:03}")),
            manager_email: Some("chief@bench.test".into()),
            ..TicketInput::default()
        })
        .unwrap();
        let now = OffsetDateTime::now_utc();
        let id = CaseId::random();
        store
            .open_case(&ticket, id, &Actor::cli(), now)
            .await
            .unwrap();
    }
    engine.run_until_idle().await.unwrap();
    let filter = CaseFilter {
        state: Some(CaseState::AwaitingApproval),
        limit: Some(1000),
        ..CaseFilter::default()
    };
    for case in store.list_cases(&filter).await.unwrap() {
        let steps = case
            .steps
            .iter()
            .filter(|s| s.state == StepState::AwaitingApproval)
            .map(|s| s.id)
            .collect();
        let approver = Actor::approver("chief@bench.test");
        let now = OffsetDateTime::now_utc();
        let approved = vec![Event::Approved { steps }];
        store
            .record(case.id, approved, &approver, json!({}), None, now)
            .await
            .unwrap();
    }
    engine.run_until_idle().await.unwrap();
    let completed = CaseFilter {
        state: Some(CaseState::Completed),
        limit: Some(1000),
        ..CaseFilter::default()
    };
    let done = store.list_cases(&completed).await.unwrap().len();
    assert_eq!(done, WATCHED, "every case completed");
}

#[tokio::main]
async fn main() {
    let sim = hubsim::spawn(serde_json::from_value(world()).unwrap())
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
        orgs: vec!["bench-org".into()],
        batch: 16,
        ..EngineConfig::default()
    };
    let engine = Engine::new(store.clone(), hub, Arc::new(SystemClock), config);
    complete_cases(&store, &engine).await;

    let before = hubsim::bench::calls(&sim.url).unwrap();
    let started = Instant::now();
    let drift = engine.sweep_drift(OffsetDateTime::now_utc()).await.unwrap();
    let elapsed = started.elapsed();
    let after = hubsim::bench::calls(&sim.url).unwrap();
    assert!(drift.is_empty(), "nobody holds anything again");

    let total = after["total"].as_u64().unwrap() - before["total"].as_u64().unwrap();
    println!(
        "one drift sweep: org of {} members, {REPOS} gated repos, {WATCHED} watched cases",
        MEMBERS + 2
    );
    println!(
        "  Hub calls          {total} (per watched case: {:.2})",
        total as f64 / WATCHED as f64
    );
    let by_route = |calls: &Value, route: &str| calls["by_route"][route].as_u64().unwrap_or(0);
    for route in after["by_route"].as_object().unwrap().keys() {
        let n = by_route(&after, route) - by_route(&before, route);
        if n > 0 {
            println!("    {n:>5}  {route}");
        }
    }
    println!(
        "  a pass per watched case would be {} calls",
        total * WATCHED as u64
    );
    println!("  wall time          {:.2} s", elapsed.as_secs_f64());
}
