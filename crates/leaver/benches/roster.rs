//! Roster reconciliation at size (issue 16): 5 orgs × 2,000 members × 500 gated repos each
//! (20 access holders per repo) against a 10,000-row roster, in the two halves the roster now
//! has: the background refresh (`Leaver::refresh_roster`: one shared read of every org by the
//! engine's org index, stored) and the page's data (`Leaver::roster_view`: the stored read
//! loaded, the core's reconciliation, "first seen" written for every row; no Hub call, which
//! the bench checks). Prints the Hub calls of each (hubsim's `/_sim/calls`, by route with
//! `BENCH_ROUTES=1`), the time of the import, of the refresh and of the page, and the peak memory (`VmHWM`) of this process; hubsim runs as a child process, so the memory is
//! Leaver's. `BENCH_ORGS`, `BENCH_MEMBERS`, `BENCH_REPOS` change the size.
//!
//! Run: `cargo bench -p leaver --bench roster`.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark: any failure should stop it loudly"
)]

use hubsim::bench::{HubProcess, peak_memory_mb};
use leaver_app::model::Actor;
use leaver_app::{Leaver, Settings};
use serde_json::{Value, json};
use std::fmt::Write;
use std::time::Instant;

const TOKEN: &str = "hf_bench_admin";
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
    hubsim::bench::serve_if_child();
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
        let hub = HubProcess::start(&world(orgs, members, repos)).unwrap();
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

        let started = Instant::now();
        let preview = leaver_app::roster::import::preview(roster(orgs, members).as_bytes()).unwrap();
        assert!(preview.errors.is_empty(), "{:?}", &preview.errors[..1]);
        app.import_roster(&preview, &Actor::cli()).await.unwrap();
        let import = started.elapsed();

        let before = total_calls(&hub);
        let started = Instant::now();
        app.refresh_roster().await.unwrap();
        let refresh = started.elapsed();
        let refresh_calls = total_calls(&hub) - before;

        // The page: from the stored read, "first seen" written for every row the first time.
        let started = Instant::now();
        let report = app.roster_view().await.unwrap().report.unwrap();
        let first = started.elapsed();
        let again_started = Instant::now();
        let again = app.roster_view().await.unwrap().report.unwrap();
        let second = again_started.elapsed();
        let page_calls = total_calls(&hub) - before - refresh_calls;
        assert_eq!(page_calls, 0, "the page reads no Hub");
        assert_eq!(again.rows.len(), report.rows.len());

        let count = |kind| report.rows.iter().filter(|r| r.finding.kind == kind).count();
        use leaver_core::roster::FindingKind as K;
        println!(
            "roster: {orgs} orgs × {members} members × {repos} gated repos ({HOLDERS} holders each), 10,000-row roster"
        );
        println!("import of the roster (preview + replace): {:.2} s", import.as_secs_f64());
        println!(
            "background refresh (one shared read of every org, stored): {:.2} s, {refresh_calls} Hub calls ({:.1} per org)",
            refresh.as_secs_f64(),
            refresh_calls as f64 / orgs as f64
        );
        println!(
            "page data from the stored read (load, reconcile, first seen written): {:.2} s; again: {:.2} s; {page_calls} Hub calls",
            first.as_secs_f64(),
            second.as_secs_f64()
        );
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
            println!("{:#}", hub.calls().unwrap()["by_route"]);
        }
    });
}

fn total_calls(hub: &HubProcess) -> u64 {
    hub.calls().unwrap()["total"].as_u64().unwrap()
}
