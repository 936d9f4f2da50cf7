//! Roster reconciliation at size (issue 16): 5 orgs × 2,000 members × 500 gated repos each
//! (20 access holders per repo) against a 10,000-row roster, through `Leaver::roster_report`
//! (one shared read of every org by the engine's org index, the core's reconciliation, "first
//! seen" written for every row). Prints the Hub calls (hubsim's `/_sim/calls`, by route with
//! `BENCH_ROUTES=1`), the time of the import, of the read and of the whole report, and the
//! peak memory (`VmHWM`) of this process; hubsim runs as a child process, so the memory is
//! Leaver's. `BENCH_ORGS`, `BENCH_MEMBERS`, `BENCH_REPOS` change the size.
//!
//! Run: `cargo bench -p leaver --bench roster`.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark: any failure should stop it loudly"
)]

use leaver_app::model::Actor;
use leaver_app::{Leaver, Settings};
use serde_json::{Value, json};
use std::fmt::Write;
use std::time::Instant;

const TOKEN: &str = "hf_bench_admin";
const SEED_VAR: &str = "BENCH_ROSTER_HUBSIM_SEED";
const HOLDERS: usize = 20;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Members `u00000`.. spread over the orgs; repos `org/model-NNN`, gated, with holders drawn
/// from every org's members and one outsider in ten repos.
fn world(orgs: usize, members: usize, repos: usize) -> Value {
    let mut org_seeds = Vec::new();
    let mut repo_seeds = Vec::new();
    let total = orgs * members;
    for o in 0..orgs {
        let name = format!("org-{o}");
        let mut list = vec![
            json!({"user": "leaver-bot", "role": "admin"}),
            json!({"user": format!("chief-{o}"), "role": "admin"}),
        ];
        list.extend(
            (0..members)
                .map(|m| json!({"user": format!("u{:05}", o * members + m), "role": "write"})),
        );
        org_seeds.push(json!({"name": name, "plan": if o % 2 == 0 { "team" } else { "enterprise" }, "scim": "none", "members": list}));
        for r in 0..repos {
            let mut holders: Vec<Value> = (0..HOLDERS)
                .map(|k| json!({"user": format!("u{:05}", (o * 7919 + r * 131 + k * 977) % total), "status": if k % 4 == 0 { "pending" } else { "accepted" }}))
                .collect();
            if r % 10 == 0 {
                holders.push(json!({"user": format!("outsider-{o}-{r}"), "status": "accepted"}));
            }
            repo_seeds.push(json!({"id": format!("{name}/model-{r:03}"), "type": "model", "private": false, "gated": "manual", "access_requests": holders}));
        }
    }
    json!({"tokens": [{"user": "leaver-bot", "value": TOKEN}], "orgs": org_seeds, "repos": repo_seeds})
}

/// 10,000 rows: every member but the last 500 (orphans), one in fifty terminated; the rest
/// people with no Hub account.
fn roster(orgs: usize, members: usize) -> String {
    let total = orgs * members;
    let mut csv = String::from("email,hub_username,status,end_date,manager_email\n");
    for n in 0..10_000 {
        if n < total.saturating_sub(500) {
            let status = if n % 50 == 0 { "terminated" } else { "active" };
            let _ = writeln!(csv, "u{n:05}@acme.test,u{n:05},{status},,boss@acme.test");
        } else {
            let _ = writeln!(csv, "p{n:05}@acme.test,,active,,boss@acme.test");
        }
    }
    csv
}

fn main() {
    if let Some(seed) = std::env::var_os(SEED_VAR) {
        return serve_hubsim(seed.into());
    }
    let (orgs, members, repos) = (
        env("BENCH_ORGS", 5),
        env("BENCH_MEMBERS", 2_000),
        env("BENCH_REPOS", 500),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let hub = HubProcess::start(&world(orgs, members, repos));
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            database_url: format!("sqlite://{}", dir.path().join("bench.db").display()),
            hub_url: hub.url.parse().unwrap(),
            hub_token: Some(TOKEN.to_owned().into()),
            orgs: (0..orgs).map(|o| format!("org-{o}")).collect(),
            secret_key: Some("42".repeat(32).into()),
            mailbox_dir: Some(dir.path().join("mail")),
            ..Settings::default()
        };
        let app = Leaver::builder(settings).build().await.unwrap();
        let http = reqwest::Client::new();

        let started = Instant::now();
        let preview = leaver_app::roster::import::preview(roster(orgs, members).as_bytes()).unwrap();
        assert!(preview.errors.is_empty(), "{:?}", &preview.errors[..1]);
        app.import_roster(&preview, &Actor::cli()).await.unwrap();
        let import = started.elapsed();

        let before = calls(&http, &hub.url).await;
        let started = Instant::now();
        let report = app.roster_report(true).await.unwrap();
        let first = started.elapsed();
        let first_calls = calls(&http, &hub.url).await - before;

        // A second report within the index's lifetime reads nothing from the Hub.
        let started = Instant::now();
        let again = app.roster_report(false).await.unwrap();
        let second = started.elapsed();
        let second_calls = calls(&http, &hub.url).await - before - first_calls;
        assert_eq!(again.rows.len(), report.rows.len());

        let count = |kind| report.rows.iter().filter(|r| r.finding.kind == kind).count();
        use leaver_core::roster::FindingKind as K;
        println!(
            "roster: {orgs} orgs × {members} members × {repos} gated repos ({HOLDERS} holders each), 10,000-row roster"
        );
        println!("import of the roster (preview + replace): {:.2} s", import.as_secs_f64());
        println!(
            "report (one shared read of every org, reconcile, first seen written): {:.2} s, {first_calls} Hub calls ({:.1} per org)",
            first.as_secs_f64(),
            first_calls as f64 / orgs as f64
        );
        println!("report again within the index's lifetime: {:.2} s, {second_calls} Hub calls", second.as_secs_f64());
        println!(
            "rows: {} ({} orphans, {} missed offboardings, {} outside gated access, {} single admin, {} service accounts); ${:.2} a month",
            report.rows.len(),
            count(K::Orphan),
            count(K::MissedOffboarding),
            count(K::OutsideGatedAccess),
            count(K::SingleAdmin),
            count(K::ServiceAccount),
            report.monthly_cost
        );
        println!("peak memory (Leaver, hubsim apart): {} MB", peak_memory_mb());
        if std::env::var_os("BENCH_ROUTES").is_some() {
            let calls: Value = http.get(format!("{}/_sim/calls", hub.url)).send().await.unwrap().json().await.unwrap();
            println!("{:#}", calls["by_route"]);
        }
    });
}

async fn calls(http: &reqwest::Client, sim: &str) -> u64 {
    let calls: Value = http
        .get(format!("{sim}/_sim/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    calls["total"].as_u64().unwrap()
}

/// The process's peak resident memory (`VmHWM`), in MB.
fn peak_memory_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// hubsim in a child process (this executable, told so by [`SEED_VAR`]); killed when dropped.
struct HubProcess {
    child: std::process::Child,
    url: String,
    _seed: tempfile::NamedTempFile,
}

impl HubProcess {
    fn start(seed: &Value) -> HubProcess {
        use std::io::BufRead;
        let file = tempfile::NamedTempFile::new().unwrap();
        serde_json::to_writer(&file, seed).unwrap();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .env(SEED_VAR, file.path())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut url = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut url)
            .unwrap();
        HubProcess {
            child,
            url: url.trim().to_owned(),
            _seed: file,
        }
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_hubsim(path: std::path::PathBuf) {
    let seed = hubsim::Seed::from_file(&path).unwrap();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            println!("http://{}", listener.local_addr().unwrap());
            hubsim::serve(listener, seed).await.unwrap();
        });
}
