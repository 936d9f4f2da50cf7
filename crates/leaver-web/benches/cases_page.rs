//! How fast the first page of `/cases` renders with 10,000 cases (7 steps each) in a SQLite
//! database: p50/p99 over 200 requests, through real HTTP with a logged-in session.
//!
//! `cargo bench -p leaver-web --bench cases_page` (target: well under 100 ms).

use leaver_app::{Leaver, Settings};
use leaver_core::{
    CaseId, Event, NewStep, StepId, StepKind, Strategy, Target, Ticket, TicketInput,
};
use leaver_store::{Actor, BatchItem, BatchWrite, Store, scratch};
use leaver_web::auth::SESSION_COOKIE;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const CASES: usize = 10_000;
const REQUESTS: usize = 200;

fn ticket(n: usize) -> Ticket {
    Ticket::parse(&TicketInput {
        external_id: Some(format!("HR-{n:05}")),
        email: Some(format!("user{n}@acme.test")),
        name: Some(format!("User {n}")),
        hub_username: Some(format!("user-{n}")),
        manager_email: Some("manager@acme.test".into()),
        ..TicketInput::default()
    })
    .unwrap_or_else(|e| panic!("ticket {n}: {e:?}"))
}

fn plan() -> Event {
    let step = |kind, target| NewStep {
        id: StepId::random(),
        kind,
        target,
        strategy: Strategy::Api,
        needs_approval: true,
    };
    let org = || Target::Org("acme-ai".into());
    Event::Planned {
        steps: vec![
            step(StepKind::StripAccess, org()),
            step(StepKind::StripAccess, Target::Org("northwind".into())),
            step(
                StepKind::RevokeGatedAccess,
                "model:acme-ai/llama-ft".parse().unwrap_or(Target::Case),
            ),
            step(StepKind::RemoveMember, org()),
            step(StepKind::RemoveMember, Target::Org("northwind".into())),
            step(StepKind::FlagTokens, Target::Person("someone".into())),
            NewStep {
                needs_approval: false,
                ..step(StepKind::Verify, Target::Case)
            },
        ],
        blocked_reason: None,
    }
}

async fn fill(store: &dyn Store) {
    let now = OffsetDateTime::now_utc();
    let started = Instant::now();
    for chunk in (0..CASES).collect::<Vec<_>>().chunks(500) {
        let tickets: Vec<_> = chunk
            .iter()
            .map(|n| (ticket(*n), CaseId::random()))
            .collect();
        let opened = store
            .open_cases(&tickets, &Actor::cli(), now)
            .await
            .unwrap_or_else(|e| panic!("open: {e}"));
        let items: Vec<BatchItem> = opened
            .into_iter()
            .filter_map(Result::ok)
            .map(|o| BatchItem {
                case: o.case.id,
                lease: None,
                write: BatchWrite::Events {
                    events: vec![plan()],
                    detail: serde_json::json!({}),
                },
            })
            .collect();
        store
            .record_batch(&items, &Actor::engine(), now)
            .await
            .unwrap_or_else(|e| panic!("plan: {e}"));
    }
    println!(
        "filled {CASES} cases with 7 steps each in {:?}",
        started.elapsed()
    );
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let (store, database_url) = scratch::sqlite(dir.path()).await.unwrap_or_else(|e| panic!("store: {e}"));
        store.pool().close().await;
        let settings = Settings { database_url, ..Settings::default() };
        let app = Leaver::builder(settings).database_only().await.unwrap_or_else(|e| panic!("app: {e}"));
        let app = Arc::new(app);
        fill(&**app.store()).await;
        let password = "benchmark password";
        app.add_operator("bench@acme.test", password).await.unwrap_or_else(|e| panic!("operator: {e}"));
        let operator = app.log_in("bench@acme.test", password).await.ok().flatten().unwrap_or_else(|| panic!("operator"));
        let session = app.start_session(&operator).await.unwrap_or_else(|e| panic!("session: {e}"));

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
        let url = format!("http://{}/cases", listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}")));
        tokio::spawn(leaver_web::serve(listener, leaver_web::AppState::new(app), std::future::pending()));
        let http = reqwest::Client::new();
        let cookie = format!("{SESSION_COOKIE}={session}");
        let get = || async {
            let started = Instant::now();
            let page = http.get(&url).header("cookie", &cookie).send().await.unwrap_or_else(|e| panic!("get: {e}"));
            assert!(page.status().is_success(), "status {}", page.status());
            let body = page.text().await.unwrap_or_default();
            assert!(body.contains(&format!("1–50 of {CASES}")), "the first page of {CASES}");
            started.elapsed()
        };
        for _ in 0..10 {
            get().await;
        }
        let mut times = Vec::with_capacity(REQUESTS);
        for _ in 0..REQUESTS {
            times.push(get().await);
        }
        times.sort();
        println!(
            "GET /cases (first page of {CASES} cases, 50 shown) over {REQUESTS} requests: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            percentile(&times, 0.50).as_secs_f64() * 1000.0,
            percentile(&times, 0.99).as_secs_f64() * 1000.0,
            times.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
        );
    });
}
