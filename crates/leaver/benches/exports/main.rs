//! Peak memory of the evidence export and of the import preview, on SQLite, over real HTTP.
//!
//! Fills a store with `BENCH_CASES` finished cases (default 100,000; ten audit records each,
//! written through the store's batch APIs), then measures, each time in a fresh process so that
//! each peak is its own:
//! - the server's peak resident memory (`VmHWM`) while it streams the JSON export of every case
//!   (`GET /audit/export?from=1970-01-01&format=json`);
//! - the same export by `leaver audit export --format json` (its `VmHWM`, polled every 10 ms);
//! - the server's peak while it answers the import preview of a `BENCH_PREVIEW_MB` CSV (default
//!   30; refused: the limit is 10 MiB), and of the largest file it takes (10,000 bad rows).
//!
//! The server is this executable started again with `BENCH_EXPORTS_SERVE=<database URL>`.
//!
//! `cargo bench -p leaver --bench exports` (`BENCH_CASES=10000` for a quick run).

mod client;
mod server;

use client::{cli_export, export, preview};
use leaver_core::{CaseId, Event, NewStep, StepId, StepKind, Strategy, Target};
use leaver_store::{
    AccountStore, Actor, BatchItem, BatchWrite, ReportStore, SqlStore, Store, scratch,
};
use serde_json::json;
use server::{Server, login, serve};
use std::time::Instant;
use time::OffsetDateTime;

const SERVE_VAR: &str = "BENCH_EXPORTS_SERVE";
const OPERATOR: &str = "ops@acme.test";
const PASSWORD: &str = "correct horse battery staple";
/// Cases written per batch while filling the store.
const FILL_BATCH: usize = 250;

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match std::env::var(SERVE_VAR) {
        Ok(database) => runtime.block_on(serve(&database)),
        Err(_) => runtime.block_on(run()),
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run() -> anyhow::Result<()> {
    let cases = env_usize("BENCH_CASES", 100_000);
    let preview_mb = env_usize("BENCH_PREVIEW_MB", 30);
    let dir = tempfile::tempdir()?;
    let (store, database) = scratch::sqlite(dir.path()).await?;
    let started = Instant::now();
    fill(&store, cases).await?;
    let records = store.verify_audit().await?.records;
    println!(
        "set-up: {cases} finished cases, {records} audit records in {:.1?}",
        started.elapsed()
    );
    let hash = leaver_app::accounts::hash_password(PASSWORD)?;
    store
        .upsert_operator(OPERATOR, &hash, OffsetDateTime::now_utc())
        .await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;

    // Every export reads the whole chain: none may profit from an earlier one's mark.
    store.reset_audit_mark(OffsetDateTime::now_utc()).await?;
    let server = Server::start(&database)?;
    let session = login(&http, &server.url).await?;
    let idle = server.peak_mb();
    let (wall, download) = (Instant::now(), export(&http, &server, &session).await?);
    println!(
        "JSON export of {cases} cases over HTTP: {} ({} cases, {} MB) in {:.1?}; server peak RSS {} MB (idle {idle} MB)",
        download.status,
        download.cases,
        download.bytes / 1_000_000,
        wall.elapsed(),
        server.peak_mb()
    );
    drop(server);

    store.reset_audit_mark(OffsetDateTime::now_utc()).await?;
    let (wall, (peak, bytes)) = (Instant::now(), cli_export(&database)?);
    println!(
        "JSON export of {cases} cases by `leaver audit export`: {} MB in {:.1?}; peak RSS {peak} MB",
        bytes / 1_000_000,
        wall.elapsed()
    );

    // Rows with two bad fields each, up to `bytes` or `rows`.
    let bad_rows = |bytes: usize, rows: usize| {
        let mut csv = String::from("external_id,email,hub_username,manager_email\n");
        for n in 0..rows {
            if csv.len() >= bytes {
                break;
            }
            csv.push_str(&format!("HR-{n},not-an-email,-bad{n},carol@acme.test\n"));
        }
        csv
    };
    let big = bad_rows(preview_mb * 1_000_000, usize::MAX);
    for (label, file) in [
        (format!("{} MB CSV", big.len() / 1_000_000), big),
        ("10,000 bad rows".to_owned(), bad_rows(usize::MAX, 10_000)),
    ] {
        let server = Server::start(&database)?;
        let session = login(&http, &server.url).await?;
        let (status, answer) = preview(&http, &server.url, &session, &file).await?;
        println!(
            "import preview of {label}: HTTP {status}, a {} KB answer; server peak RSS {} MB",
            answer / 1000,
            server.peak_mb()
        );
    }
    Ok(())
}

/// Opens `count` cases and takes each through plan, a recorded decision, approval and three
/// steps with the Hub's answers, as the engine would: ten audit records per case.
async fn fill(store: &SqlStore, count: usize) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    for start in (0..count).step_by(FILL_BATCH) {
        let tickets: Vec<_> = (start..count.min(start + FILL_BATCH))
            .map(|n| {
                let (ext, user) = (format!("HR-{n}"), format!("user{n}"));
                (scratch::ticket(&ext, &user), CaseId::random())
            })
            .collect();
        for opened in store.open_cases(&tickets, &Actor::cli(), now).await? {
            opened?;
        }
        let items: Vec<BatchItem> = tickets.iter().flat_map(|(_, id)| finish(*id)).collect();
        for written in store.record_batch(&items, &Actor::engine(), now).await? {
            written?;
        }
    }
    Ok(())
}

/// What the engine and an approver write for one case, as batch items.
fn finish(case: CaseId) -> Vec<BatchItem> {
    let (strip, remove, verify) = (StepId::random(), StepId::random(), StepId::random());
    let step = |id, kind, target| NewStep {
        id,
        kind,
        target,
        strategy: Strategy::Api,
        needs_approval: kind != StepKind::Verify,
    };
    let org = || Target::Org("acme-ai".into());
    let planned = Event::Planned {
        steps: vec![
            step(strip, StepKind::StripAccess, org()),
            step(remove, StepKind::RemoveMember, org()),
            step(verify, StepKind::Verify, Target::Case),
        ],
        blocked_reason: None,
    };
    let events = |events, detail| BatchWrite::Events { events, detail };
    let ran = |step, hub: serde_json::Value| {
        let done = vec![
            Event::StepStarted { step },
            Event::StepSucceeded { step, note: None },
        ];
        events(done, hub)
    };
    let decision = json!({"approver": "carol@acme.test", "decision": "approve", "reason": null,
        "ip": "192.0.2.7", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"});
    let members: Vec<String> = (0..40).map(|n| format!("member{n}")).collect();
    [
        events(vec![planned], json!({})),
        BatchWrite::Note {
            kind: "approval_decided".into(),
            data: decision,
        },
        events(
            vec![Event::Approved {
                steps: vec![strip, remove],
            }],
            json!({}),
        ),
        ran(
            strip,
            json!({"hub": "PUT /api/organizations/acme-ai/members/user/role -> 200"}),
        ),
        ran(
            remove,
            json!({"hub": "DELETE /api/organizations/acme-ai/members/user -> 204"}),
        ),
        ran(
            verify,
            json!({"evidence": {"acme-ai": {"members": members, "is_member": false}}}),
        ),
    ]
    .into_iter()
    .map(|write| BatchItem {
        case,
        lease: None,
        write,
    })
    .collect()
}
