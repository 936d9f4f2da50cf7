//! Two `leaver serve` replicas on one Postgres database, two human admins of one org leaving
//! at once, and a slow Hub (300 ms a call): the admin-change lock is shared by the replicas, so
//! the second change sees the first and stops. Round after round, the org keeps a human admin
//! and one case waits for an operator asking for a successor.

use crate::support::*;
use leaver_core::{CaseId, CaseState, StepState, Ticket, TicketInput};
use leaver_store::{Actor, SqlStore, Store, scratch};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const ROUNDS: usize = 3;
const LEAVERS: [&str; 2] = ["alice", "bob"];

/// acme-ai: leaver-bot (Leaver's service account), alice and bob are admins, carol writes.
fn two_admins() -> Value {
    let user = |name: &str| json!({"username": name, "fullname": name, "email": format!("{name}@acme.test")});
    json!({
        "users": [user("leaver-bot"), user("alice"), user("bob"), user("carol")],
        "tokens": [{"user": "leaver-bot", "value": TOKEN}],
        "orgs": [
            {"name": "acme-ai", "plan": "team", "scim": "none",
             "members": [{"user": "leaver-bot", "role": "admin"}, {"user": "alice", "role": "admin"},
                         {"user": "bob", "role": "admin"}, {"user": "carol", "role": "write"}]},
            {"name": "beta-lab", "plan": "team", "scim": "none",
             "members": [{"user": "leaver-bot", "role": "admin"}]}
        ]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_admins_leaving_at_once_on_two_replicas_leave_the_org_a_human_admin() {
    if std::env::var("TEST_POSTGRES_URL").is_err() {
        println!("skipped: set TEST_POSTGRES_URL to run two replicas on Postgres");
        return;
    }
    for round in 1..=ROUNDS {
        let (store, url) = scratch::postgres()
            .await
            .expect("postgres")
            .expect("TEST_POSTGRES_URL is set");
        let sim = Sim::spawn(two_admins()).await;
        sim.set_faults(json!({"latency_ms": 300})).await;
        let cases = open_both(&store).await;
        let logs = tempfile::tempdir().expect("logs");
        // One job per claim, so that each replica takes one admin's steps.
        let settings = [("LEAVER_WORKERS", "2"), ("LEAVER_BATCH", "1")];
        let mut replicas = [
            Server::new(&url, &sim.url, &logs.path().join("a"), &settings),
            Server::new(&url, &sim.url, &logs.path().join("b"), &settings),
        ];
        for replica in &mut replicas {
            std::fs::create_dir_all(replica.logs()).expect("log dir");
            replica.start();
        }
        let ended = run_until_both_stop(&store, &cases, &mut replicas).await;
        for replica in &mut replicas {
            replica.kill().await;
        }

        let state = sim.state().await;
        let admins: Vec<&str> = ["alice", "bob", "carol"]
            .into_iter()
            .filter(|user| role(&state, "acme-ai", user).as_deref() == Some("admin"))
            .collect();
        assert_eq!(
            admins.len(),
            1,
            "round {round}: one human admin stays: {admins:?}"
        );
        let held: Vec<_> = ended
            .iter()
            .filter(|c| c.state == CaseState::NeedsAttention)
            .collect();
        let states: Vec<_> = ended.iter().map(|c| c.state).collect();
        assert_eq!(held.len(), 1, "round {round}: {states:?}");
        assert!(
            ended.iter().any(|c| c.state == CaseState::Completed),
            "round {round}: {states:?}"
        );
        let asks = held[0]
            .steps
            .iter()
            .filter(|s| s.state == StepState::Failed)
            .filter_map(|s| s.error.as_deref())
            .find(|e| e.contains("successor"));
        assert!(
            asks.is_some(),
            "round {round}: the held case asks for a successor: {:?}",
            held[0].steps
        );
    }
}

/// Opens alice's and bob's cases, neither naming a successor.
async fn open_both(store: &SqlStore) -> Vec<CaseId> {
    let tickets: Vec<(Ticket, CaseId)> = LEAVERS
        .iter()
        .map(|leaver| {
            let input = TicketInput {
                external_id: Some(format!("HR-{leaver}")),
                email: Some(format!("{leaver}@acme.test")),
                hub_username: Some((*leaver).into()),
                manager_email: Some("erin@acme.test".into()),
                ..TicketInput::default()
            };
            (Ticket::parse(&input).expect("ticket"), CaseId::random())
        })
        .collect();
    let opened = store
        .open_cases(&tickets, &Actor::api("hr"), OffsetDateTime::now_utc())
        .await
        .expect("open");
    opened
        .into_iter()
        .map(|o| o.expect("opened").case.id)
        .collect()
}

/// Approves what waits until both cases are completed or need attention.
async fn run_until_both_stop(
    store: &SqlStore,
    cases: &[CaseId],
    replicas: &mut [Server],
) -> Vec<leaver_core::Case> {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        approve_waiting(store).await;
        let mut ended = Vec::new();
        for id in cases {
            ended.push(store.case(*id).await.expect("case"));
        }
        if ended
            .iter()
            .all(|c| matches!(c.state, CaseState::Completed | CaseState::NeedsAttention))
        {
            return ended;
        }
        let states: Vec<_> = ended.iter().map(|c| c.state).collect();
        assert!(Instant::now() < deadline, "cases stuck: {states:?}");
        for replica in replicas.iter_mut() {
            replica.assert_running();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
