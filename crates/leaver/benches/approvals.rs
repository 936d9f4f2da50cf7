//! `POST /approvals/{token}` under 64 concurrent clients, on SQLite, over real HTTP.
//!
//! Sets up 2,000 pending approval links (cases planned and asked through the store's API, with
//! links minted by a `Minter` whose key the bench knows, so it knows every link's secret), serves
//! the real router on 127.0.0.1:0, then approves every link from 64 concurrent clients, each POST sending the
//! page's form key and our own `Origin`, as a browser would. Prints p50/p99/max latency and the
//! throughput; the target is p99 <= 25 ms.
//!
//! `cargo bench -p leaver --bench approvals` (env `BENCH_LINKS`, `BENCH_CLIENTS` to change the
//! load; `BENCH_STORE_ONLY=1` decides through the store without HTTP).

use leaver_app::{Leaver, Settings};
use leaver_core::approval::{Decision, Mode};
use leaver_core::{
    CaseId, EmailAddress, Event, NewStep, StepId, StepKind, Strategy, Target, Ticket, TicketInput,
};
use leaver_engine::Minter;
use leaver_store::approvals::{ApprovalStore, DecisionOrigin, NewRequest, hash_token};
use leaver_store::{Actor, BatchItem, BatchWrite, SqlStore, Store, scratch};
use leaver_web::AppState;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const KEY: [u8; 32] = [7; 32];
const WARM_UP: usize = 200;

fn main() -> anyhow::Result<()> {
    let links = env_usize("BENCH_LINKS", 2_000);
    let clients = env_usize("BENCH_CLIENTS", 64);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(links, clients))
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run(links: usize, clients: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (store, database_url) = scratch::sqlite(dir.path()).await?;
    store.pool().close().await;
    let settings = Settings {
        database_url,
        ..Settings::default()
    };
    let app = Arc::new(Leaver::builder(settings).database_only().await?);
    let store = app.store().clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let minter = Arc::new(Minter::new(KEY.to_vec(), &url.parse()?));

    let started = Instant::now();
    let tokens = pending_links(&store, &minter, WARM_UP + links).await?;
    println!(
        "set-up: {} pending links in {:.1?}",
        tokens.len(),
        started.elapsed()
    );

    tokio::spawn(leaver_web::serve(
        listener,
        AppState::new(app),
        std::future::pending(),
    ));

    let (warm, measured) = tokens.split_at(WARM_UP);
    if std::env::var("BENCH_STORE_ONLY").is_ok() {
        // The store alone, without HTTP: where the time goes when the target is missed.
        let wall = Instant::now();
        decide_directly(&store, tokens, clients).await?;
        println!(
            "store only: {:.0} decisions/s",
            (WARM_UP + links) as f64 / wall.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    let approvers = approvers(clients)?;
    approve_all(&approvers, &url, warm).await?;
    let (wall, cpu) = (Instant::now(), cpu_time());
    let mut latencies = approve_all(&approvers, &url, measured).await?;
    let (elapsed, cpu) = (
        wall.elapsed(),
        cpu_time().zip(cpu).map(|(after, before)| after - before),
    );

    latencies.sort_unstable();
    let at = |q: f64| {
        latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p99 = at(0.99);
    println!(
        "POST /approvals/{{token}}: {} approvals, {clients} concurrent clients, SQLite",
        latencies.len()
    );
    println!(
        "  p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
        ms(at(0.50)),
        ms(p99),
        ms(at(1.0))
    );
    println!(
        "  throughput {:.0} approvals/s ({:.2?} in all)",
        latencies.len() as f64 / elapsed.as_secs_f64(),
        elapsed
    );
    if let Some(cpu) = cpu {
        let per = ms(cpu) / latencies.len() as f64;
        println!(
            "  CPU (server and clients, one process): {per:.2} ms per approval, {:.1} cores busy",
            cpu.as_secs_f64() / elapsed.as_secs_f64()
        );
    }
    let verdict = if p99 <= Duration::from_millis(25) {
        "met"
    } else {
        "MISSED"
    };
    println!("  target p99 <= 25 ms: {verdict}");
    let decided: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT COUNT(*) AS n FROM approval_link WHERE decided_at IS NOT NULL")
            .fetch_one(store.pool())
            .await?,
        "n",
    )?;
    anyhow::ensure!(
        decided == i64::try_from(tokens.len())?,
        "{decided} of {} links decided",
        tokens.len()
    );
    Ok(())
}

/// `count` cases, each planned with four steps awaiting the manager's approval, and their link.
async fn pending_links(
    store: &SqlStore,
    minter: &Minter,
    count: usize,
) -> anyhow::Result<Vec<String>> {
    let now = time::OffsetDateTime::now_utc();
    let expires = now + Duration::from_secs(72 * 3600);
    let manager = EmailAddress::parse("erin@acme.test").map_err(anyhow::Error::msg)?;
    let mut tokens = Vec::with_capacity(count);
    for n in 0..count {
        let ticket = Ticket::parse(&TicketInput {
            external_id: Some(format!("HR-{n}")),
            email: Some(format!("user{n}@acme.test")),
            hub_username: Some(format!("user{n}")),
            manager_email: Some("erin@acme.test".into()),
            ..TicketInput::default()
        })
        .map_err(|e| anyhow::anyhow!("ticket: {e:?}"))?;
        let case = store
            .open_case(&ticket, CaseId::random(), &Actor::cli(), now)
            .await?
            .case
            .id;
        let steps: Vec<NewStep> = [
            StepKind::StripAccess,
            StepKind::RemoveMember,
            StepKind::FlagTokens,
            StepKind::Verify,
        ]
        .into_iter()
        .map(|kind| {
            let target = if kind == StepKind::FlagTokens {
                Target::Person(format!("user{n}"))
            } else {
                Target::Org("acme-ai".into())
            };
            NewStep {
                id: StepId::random(),
                kind,
                target,
                strategy: Strategy::Api,
                needs_approval: kind != StepKind::Verify,
            }
        })
        .collect();
        let asked: Vec<StepId> = steps
            .iter()
            .filter(|s| s.needs_approval)
            .map(|s| s.id)
            .collect();
        let planned = Event::Planned {
            steps,
            blocked_reason: None,
        };
        store
            .record(case, vec![planned], &Actor::engine(), json!({}), None, now)
            .await?;
        let link = minter.mint();
        tokens.push(minter.token(link.id));
        let request = NewRequest {
            rule: "manager".into(),
            mode: Mode::Any,
            steps: asked,
            links: vec![(manager.clone(), link)],
            expires_at: expires,
        };
        let ask = BatchItem {
            case,
            lease: None,
            write: BatchWrite::AskApprovers {
                requests: vec![request],
            },
        };
        for asked in store.record_batch(&[ask], &Actor::engine(), now).await? {
            asked?;
        }
    }
    Ok(tokens)
}

/// Decides every token through the store from `clients` concurrent tasks.
async fn decide_directly(
    store: &Arc<SqlStore>,
    tokens: Vec<String>,
    clients: usize,
) -> anyhow::Result<()> {
    let (tokens, next) = (Arc::new(tokens), Arc::new(AtomicUsize::new(0)));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (store, tokens, next) = (store.clone(), tokens.clone(), next.clone());
        tasks.spawn(async move {
            while let Some(token) = tokens.get(next.fetch_add(1, Ordering::Relaxed)) {
                let (origin, now) = (DecisionOrigin::default(), time::OffsetDateTime::now_utc());
                store
                    .decide(&hash_token(token), Decision::Approve, None, &origin, now)
                    .await?;
            }
            Ok::<_, anyhow::Error>(())
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined??;
    }
    Ok(())
}

/// One HTTP client per approver, each on its own loopback address (127.0.0.2, 127.0.0.3, ...):
/// the server counts link lookups per address, and 64 approvers are not one guesser.
fn approvers(count: usize) -> anyhow::Result<Vec<reqwest::Client>> {
    (0..count)
        .map(|n| {
            let address = u32::from(std::net::Ipv4Addr::LOCALHOST) + 1 + u32::try_from(n)?;
            Ok(reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .local_address(std::net::IpAddr::from(std::net::Ipv4Addr::from(address)))
                .build()?)
        })
        .collect()
}

/// Approves every token, each client taking the next; returns each POST's latency.
async fn approve_all(
    clients: &[reqwest::Client],
    url: &str,
    tokens: &[String],
) -> anyhow::Result<Vec<Duration>> {
    let tokens: Arc<Vec<String>> = Arc::new(tokens.to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for http in clients {
        let (http, url, tokens, next) =
            (http.clone(), url.to_owned(), tokens.clone(), next.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            while let Some(token) = tokens.get(next.fetch_add(1, Ordering::Relaxed)) {
                let form = [
                    ("decision", "approve"),
                    ("reason", ""),
                    ("csrf", &form_key(token)),
                ];
                let sent = Instant::now();
                let answer = http
                    .post(format!("{url}/approvals/{token}"))
                    .header("origin", &url)
                    .form(&form)
                    .send()
                    .await?;
                let status = answer.status();
                answer.bytes().await?;
                latencies.push(sent.elapsed());
                anyhow::ensure!(
                    status == reqwest::StatusCode::SEE_OTHER,
                    "approving answered {status}"
                );
            }
            Ok::<_, anyhow::Error>(latencies)
        });
    }
    let mut all = Vec::with_capacity(tokens.len());
    while let Some(joined) = tasks.join_next().await {
        all.extend(joined??);
    }
    Ok(all)
}

/// User and system CPU time of this process so far (Linux; 10 ms ticks).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The hidden form key the approval page carries for `token`.
fn form_key(token: &str) -> String {
    hex::encode(&Sha256::digest(format!("leaver approval form {token}").as_bytes())[..16])
}
