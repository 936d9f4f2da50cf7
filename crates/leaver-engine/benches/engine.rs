//! `cargo bench -p leaver-engine --bench engine`: 10,000 cases opened, planned, approved and
//! carried out against hubsim (no quota), on SQLite and, when `TEST_POSTGRES_URL` is set, on
//! Postgres. Prints cases per second, peak memory (VmHWM) and Hub calls per case.
//! `BENCH_CASES`, `BENCH_WORKERS` and `BENCH_BATCH` override the defaults; `BENCH_ROUTES=1`
//! also prints the Hub calls by route.
//!
//! hubsim runs in a child process (this same executable, `hubsim::bench::HubProcess`), as
//! the Hub is a service of its own: the peak memory is Leaver's alone, while the two still share
//! the machine's cores.
//!
//! The world: 100 Team orgs of 100 leavers each (plus Leaver's account and a human admin), ten
//! gated models per org; every leaver is a `write` member of one org and holds accepted access
//! to one of its gated models. Each case therefore plans to a fresh read (`refresh`), revoking
//! one grant, removing the member (through the API, so with no role strip first), flagging
//! tokens and the whole-footprint `verify`.
//!
//! It runs with the allocator `leaver` runs with (mimalloc), so the figures are the binary's.

use hubsim::bench::{HubProcess, peak_memory_mb};
use leaver_core::{CaseId, CaseState, Event, StepState, Ticket, TicketInput};
use leaver_engine::{Engine, EngineConfig, SystemClock};
use leaver_hub::{HubClient, HubConfig};
use leaver_store::{Actor, BatchItem, BatchWrite, CaseFilter, SqlStore, Store, scratch};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// The allocator `leaver` runs with (crates/leaver/src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TOKEN: &str = "hf_leaver_bot_admin";
const LEAVERS_PER_ORG: usize = 100;
const REPOS_PER_ORG: usize = 10;

fn main() {
    hubsim::bench::serve_if_child();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let settings = Settings::from_env();
        let dir = tempfile::tempdir().expect("dir");
        let (sqlite, _) = scratch::sqlite(dir.path()).await.expect("sqlite");
        run("sqlite", sqlite, &settings).await;
        match scratch::postgres().await.expect("postgres") {
            Some((postgres, _)) => run("postgres", postgres, &settings).await,
            None => println!("postgres: skipped (set TEST_POSTGRES_URL to run it)"),
        }
    });
}

struct Settings {
    cases: usize,
    workers: usize,
    batch: u32,
}

impl Settings {
    fn from_env() -> Settings {
        let var = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        Settings {
            cases: var("BENCH_CASES", 10_000),
            workers: var("BENCH_WORKERS", 2),
            batch: u32::try_from(var("BENCH_BATCH", 64)).expect("batch"),
        }
    }
}

async fn run(label: &str, store: SqlStore, settings: &Settings) {
    let orgs = settings.cases.div_ceil(LEAVERS_PER_ORG);
    let sim = HubProcess::start(&world(orgs)).expect("hubsim");
    let store = Arc::new(store);
    let engine = engine(&sim, store.clone(), orgs, settings.batch);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    let workers = tokio::spawn(engine.run(settings.workers, stopped));
    let ids = open_all(&store, settings.cases).await;
    let opened = started.elapsed();
    approve_until_done(&store).await;
    let elapsed = started.elapsed();
    let _ = stop.send(true);
    workers.await.expect("workers");
    check_all_completed(&store, &ids).await;
    let calls = hub_calls(&sim);
    println!(
        "{label}: {} cases in {:.2} s ({:.0} cases/s; opening took {:.2} s), peak memory {} MB, {:.1} Hub calls per case",
        settings.cases,
        elapsed.as_secs_f64(),
        settings.cases as f64 / elapsed.as_secs_f64(),
        opened.as_secs_f64(),
        peak_memory_mb(),
        calls as f64 / settings.cases as f64,
    );
}

fn engine(sim: &HubProcess, store: Arc<SqlStore>, orgs: usize, batch: u32) -> Arc<Engine> {
    let base = url::Url::parse(&sim.url).expect("url");
    let hub = HubClient::new(HubConfig::new(base, TOKEN.to_owned().into())).expect("hub client");
    let config = EngineConfig {
        orgs: (0..orgs).map(org_name).collect(),
        batch,
        idle_wait: Duration::from_millis(20),
        ..EngineConfig::default()
    };
    Engine::new(store, hub, Arc::new(SystemClock), config)
}

fn org_name(n: usize) -> String {
    format!("org-{n:03}")
}

fn leaver_name(n: usize) -> String {
    format!("lv-{n:05}")
}

/// The seed described in the header.
fn world(orgs: usize) -> Value {
    let mut users = vec![json!({"username": "leaver-bot", "fullname": "Leaver Bot"})];
    let (mut org_seeds, mut repos) = (Vec::new(), Vec::new());
    for o in 0..orgs {
        let org = org_name(o);
        let owner = format!("owner-{o:03}");
        users.push(json!({"username": owner, "fullname": "Owner"}));
        let mut members = vec![
            json!({"user": "leaver-bot", "role": "admin"}),
            json!({"user": owner, "role": "admin"}),
        ];
        let mut grants = vec![Vec::new(); REPOS_PER_ORG];
        for l in 0..LEAVERS_PER_ORG {
            let user = leaver_name(o * LEAVERS_PER_ORG + l);
            users.push(json!({"username": user, "fullname": "Leaver", "email": format!("{user}@acme.test")}));
            members.push(json!({"user": user, "role": "write"}));
            grants[l % REPOS_PER_ORG].push(json!({"user": user, "status": "accepted"}));
        }
        org_seeds.push(json!({"name": org, "plan": "team", "scim": "none", "members": members}));
        for (r, requests) in grants.into_iter().enumerate() {
            repos.push(
                json!({"id": format!("{org}/m-{r}"), "type": "model", "private": false,
                              "gated": "manual", "access_requests": requests}),
            );
        }
    }
    json!({"users": users, "tokens": [{"user": "leaver-bot", "value": TOKEN}],
           "orgs": org_seeds, "repos": repos})
}

fn ticket(n: usize) -> Ticket {
    let user = leaver_name(n);
    Ticket::parse(&TicketInput {
        external_id: Some(format!("HR-{n}")),
        email: Some(format!("{user}@acme.test")),
        hub_username: Some(user),
        manager_email: Some("manager@acme.test".into()),
        ..TicketInput::default()
    })
    .expect("ticket")
}

/// Opens every case through the batch intake path, 500 tickets per transaction.
async fn open_all(store: &SqlStore, cases: usize) -> Vec<CaseId> {
    let mut ids = Vec::with_capacity(cases);
    let tickets: Vec<(Ticket, CaseId)> =
        (0..cases).map(|n| (ticket(n), CaseId::random())).collect();
    for chunk in tickets.chunks(500) {
        let opened = store
            .open_cases(chunk, &Actor::api("bench"), OffsetDateTime::now_utc())
            .await
            .expect("open");
        ids.extend(opened.into_iter().map(|o| o.expect("opened").case.id));
    }
    ids
}

/// Approves cases as they come to await approval, up to `CHUNK` per transaction, until no job
/// is left and nothing waits.
async fn approve_until_done(store: &SqlStore) {
    const CHUNK: u32 = 500;
    let filter = CaseFilter {
        state: Some(CaseState::AwaitingApproval),
        limit: Some(CHUNK),
        ..CaseFilter::default()
    };
    let approver = Actor::approver("manager@acme.test");
    loop {
        let waiting = store.list_cases(&filter).await.expect("list");
        let items: Vec<BatchItem> = waiting.iter().map(approval).collect();
        let results = store
            .record_batch(&items, &approver, OffsetDateTime::now_utc())
            .await
            .expect("approve");
        results.into_iter().for_each(|r| r.expect("approved"));
        if waiting.len() < CHUNK as usize {
            let jobs = scratch::count_rows(store, "job").await.expect("jobs");
            if waiting.is_empty() && jobs == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The manager approves every step that waits for them.
fn approval(case: &leaver_core::Case) -> BatchItem {
    let steps = case
        .steps
        .iter()
        .filter(|s| s.state == StepState::AwaitingApproval)
        .map(|s| s.id)
        .collect();
    BatchItem {
        case: case.id,
        lease: None,
        write: BatchWrite::Events {
            events: vec![Event::Approved { steps }],
            detail: json!({}),
        },
    }
}

async fn check_all_completed(store: &SqlStore, ids: &[CaseId]) {
    let mut completed = 0;
    for chunk in ids.chunks(500) {
        let cases = store.cases(chunk).await.expect("cases");
        completed += cases
            .iter()
            .filter(|(_, c)| c.as_ref().is_ok_and(|c| c.state == CaseState::Completed))
            .count();
    }
    assert_eq!(completed, ids.len(), "every case completed");
}

fn hub_calls(sim: &HubProcess) -> u64 {
    let calls = sim.calls().expect("calls");
    if std::env::var_os("BENCH_ROUTES").is_some() {
        println!("{:#}", calls["by_route"]);
    }
    calls["total"].as_u64().expect("total")
}
