//! The roster (issue 16) end to end, on SQLite and Postgres: hubsim with two orgs, a roster CSV
//! imported through `/roster` (preview, field-named errors, then the import), and the report
//! (page, `/roster.csv`, `leaver roster report --json`) listing exactly the orphans, the missed
//! offboardings, the pending invitation and the outside gated-access holder, with the seat cost
//! from the configured prices; opening cases for a selection opens exactly the chosen ones; a
//! dismissal is recorded with its reason.

use crate::support::{TestApp, apps_with, stdout};
use leaver_store::Store;
use leaver_testkit::Options;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Two orgs: a Team org (no SCIM: invitations are not shown) and an Enterprise org on Basic SSO
/// (its invitations are). `gina`, `ivan` and `jill` are members on no roster; `dan` and `eve`
/// are terminated without a case (`frank` is terminated with one); `kim` is invited; `out`
/// holds access to a gated repo and is on no roster and in no org.
pub fn world() -> Value {
    let people = [
        "alice", "carol", "bob", "dan", "eve", "frank", "gina", "hank", "ivan", "jill", "kim",
        "out",
    ];
    let mut users =
        vec![json!({"username": "leaver-bot", "fullname": "Leaver Bot", "email": "it@acme.test"})];
    users.extend(
        people.map(|u| json!({"username": u, "fullname": u, "email": format!("{u}@acme.test")})),
    );
    let member = |u: &str, role: &str| json!({"user": u, "role": role});
    json!({
        "users": users,
        "tokens": [{"user": "leaver-bot", "value": leaver_testkit::HUB_TOKEN}],
        "orgs": [
            {"name": "acme-ai", "plan": "team", "scim": "none",
             "members": [member("leaver-bot", "admin"), member("alice", "admin"), member("carol", "admin"),
                         member("bob", "write"), member("dan", "read"), member("eve", "read"),
                         member("frank", "read"), member("gina", "read")]},
            {"name": "beta-lab", "plan": "enterprise", "scim": "basic",
             "members": [member("leaver-bot", "admin"), member("alice", "admin"), member("carol", "admin"),
                         member("hank", "read"), member("ivan", "write"), member("jill", "read")],
             "invitations": [{"user": "kim", "role": "read"}]}
        ],
        "repos": [
            {"id": "acme-ai/llama-ft", "type": "model", "private": false, "gated": "manual",
             "access_requests": [{"user": "bob", "status": "accepted"}, {"user": "out", "status": "accepted"}]},
            {"id": "beta-lab/corpus", "type": "dataset", "private": false, "gated": "auto",
             "access_requests": [{"user": "hank", "status": "accepted"}]}
        ]
    })
}

pub const ROSTER: &str = "email,hub_username,status,end_date,manager_email\n\
alice@acme.test,alice,active,,\n\
carol@acme.test,carol,active,,\n\
bob@acme.test,bob,active,,carol@acme.test\n\
dan@acme.test,dan,terminated,2026-11-20,carol@acme.test\n\
eve@acme.test,eve,terminated,2026-11-25,carol@acme.test\n\
frank@acme.test,frank,terminated,2026-11-26,carol@acme.test\n\
hank@acme.test,hank,active,,alice@acme.test\n\
kim@acme.test,kim,active,,alice@acme.test\n";

const BAD: &str = "email,hub_username,status,end_date,manager_email\n\
alice@acme.test,alice,active,,\n\
nope,-x,gone,20/11/2026,\n";

/// The app over [`world`], managing both orgs, with seats at $25 (Team) and $60 (Enterprise).
pub fn options() -> Options {
    Options::default().world(world()).settings(|s| {
        s.orgs = vec!["acme-ai".into(), "beta-lab".into()];
        s.seat_price_team = 25.0;
        s.seat_price_enterprise = 60.0;
    })
}

/// `(org, kind, subject, monthly_cost)` of each row of `/roster.csv` (service accounts apart),
/// and the service-account rows.
async fn report_rows(
    app: &TestApp,
    session: &crate::support::Session,
) -> (
    BTreeSet<(String, String, String, String)>,
    BTreeSet<String>,
    Vec<Vec<String>>,
) {
    let csv = app.get("/roster.csv", Some(session)).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let lines: Vec<Vec<String>> = csv.body.lines().skip(1).map(fields).collect();
    let (mut rows, mut service) = (BTreeSet::new(), BTreeSet::new());
    for l in &lines {
        if !l[10].is_empty() {
            continue; // dismissed: listed with its reason, apart
        }
        if l[1] == "service_account" {
            service.insert(format!("{}/{}", l[0], l[2]));
        } else {
            rows.insert((l[0].clone(), l[1].clone(), l[2].clone(), l[8].clone()));
        }
    }
    (rows, service, lines)
}

/// A CSV line's fields (quotes as the csv crate writes them; no line breaks in these cells).
pub fn fields(line: &str) -> Vec<String> {
    let (mut out, mut cell, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cell)),
            (c, _) => cell.push(c),
        }
    }
    out.push(cell);
    out
}

fn row(org: &str, kind: &str, subject: &str, cost: &str) -> (String, String, String, String) {
    (org.into(), kind.into(), subject.into(), cost.into())
}

#[tokio::test]
async fn the_report_lists_exactly_the_orphans_missed_offboardings_invitation_and_outsider_and_opens_the_chosen_cases()
 {
    let (_dir, apps) = apps_with(options()).await;
    for app in apps {
        app.open_case("HR-9", "frank").await;
        let session = app.login().await;

        // A file with bad rows is flagged by line and field, and changes nothing.
        let bad = app
            .post_multipart(
                "/roster/preview",
                &session,
                &[("csrf", &session.csrf), ("file", BAD)],
            )
            .await;
        assert_eq!(bad.status, StatusCode::OK, "{}", bad.body);
        for flagged in [
            "<td>3</td><td>email</td>",
            "<td>3</td><td>hub_username</td>",
            "<td>3</td><td>status</td>",
            "<td>3</td><td>end_date</td>",
        ] {
            assert!(bad.body.contains(flagged), "{flagged} in {}", bad.body);
        }
        let refused = app
            .submit(&session, "/roster/import", &[("csv", BAD)])
            .await;
        assert_eq!(refused.status, StatusCode::OK, "the preview again");
        assert_eq!(
            app.count("roster_import").await,
            0,
            "a bad file changes nothing"
        );

        let preview = app
            .post_multipart(
                "/roster/preview",
                &session,
                &[("csrf", &session.csrf), ("file", ROSTER)],
            )
            .await;
        assert!(
            preview
                .body
                .contains("8 rows: 5 active, 3 terminated, 0 with errors"),
            "{}",
            preview.body
        );
        let imported = app
            .submit(&session, "/roster/import", &[("csv", ROSTER)])
            .await;
        assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.body);
        assert_eq!(app.count("roster_entry").await, 8);
        read_orgs(&app).await;

        let (rows, service, _) = report_rows(&app, &session).await;
        let expected: BTreeSet<_> = [
            row("acme-ai", "orphan", "gina", "25.00"),
            row("acme-ai", "missed_offboarding", "dan", "0.00"),
            row("acme-ai", "missed_offboarding", "eve", "0.00"),
            row(
                "acme-ai",
                "outside_gated_access",
                "out@model:acme-ai/llama-ft",
                "0.00",
            ),
            row("beta-lab", "orphan", "ivan", "60.00"),
            row("beta-lab", "orphan", "jill", "60.00"),
            row("beta-lab", "pending_invitation", "kim", "60.00"),
        ]
        .into();
        assert_eq!(rows, expected);
        assert_eq!(
            service,
            ["acme-ai/leaver-bot", "beta-lab/leaver-bot"]
                .map(String::from)
                .into()
        );
        let page = app.get("/roster", Some(&session)).await;
        assert!(
            page.body.contains("$205.00"),
            "25 + 3 × 60 a month: {}",
            page.body
        );
        assert!(page.body.contains("id=\"chart-orphans\""));

        // The CLI prints the same reconciliation.
        let cli = cli_report(&app).await;
        let kinds: BTreeSet<(String, String)> = cli["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["kind"] != "service_account")
            .map(|r| {
                (
                    r["org"].as_str().unwrap_or_default().to_owned(),
                    r["subject"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        assert_eq!(kinds.len(), 7, "{cli}");
        assert_eq!(cli["monthly_cost"], json!(205.0));

        // Open a case for dan only, of the two missed offboardings.
        let dan = "acme-ai|missed_offboarding|dan";
        let open = app
            .submit(&session, "/roster/act", &[("row", dan), ("action", "open")])
            .await;
        assert_eq!(open.status, StatusCode::OK, "{}", open.body);
        assert!(open.body.contains("1 case to open"), "{}", open.body);
        assert_eq!(
            app.count("offboarding_case").await,
            1,
            "a preview writes nothing"
        );
        let done = app.submit(&session, "/roster/open", &[("row", dan)]).await;
        assert!(
            done.body.contains("<strong>1</strong> cases opened"),
            "{}",
            done.body
        );
        let cases = app.api("GET", "/api/v1/cases", None).await.json();
        let mut users: Vec<&str> = cases
            .as_array()
            .expect("cases")
            .iter()
            .filter_map(|c| c["person"]["hub_username"].as_str())
            .collect();
        users.sort_unstable();
        assert_eq!(users, ["dan", "frank"]);
        let (rows, _, _) = report_rows(&app, &session).await;
        assert!(
            !rows.contains(&row("acme-ai", "missed_offboarding", "dan", "0.00")),
            "dan's case is open now"
        );
        assert!(rows.contains(&row("acme-ai", "missed_offboarding", "eve", "0.00")));

        // An orphan has no email on the roster: named, nothing opened.
        let gina = app
            .submit(
                &session,
                "/roster/act",
                &[("row", "acme-ai|orphan|gina"), ("action", "open")],
            )
            .await;
        assert!(
            gina.body.contains("gina has no email on the roster"),
            "{}",
            gina.body
        );

        // Dismiss jill with a reason: recorded, shown apart, no longer costed.
        let no_reason = app
            .submit(
                &session,
                "/roster/act",
                &[
                    ("row", "beta-lab|orphan|jill"),
                    ("action", "dismiss"),
                    ("reason", " "),
                ],
            )
            .await;
        assert_eq!(
            no_reason.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            no_reason.body
        );
        let dismissed = app
            .submit(
                &session,
                "/roster/act",
                &[
                    ("row", "beta-lab|orphan|jill"),
                    ("action", "dismiss"),
                    ("reason", "contractor kept on purpose"),
                ],
            )
            .await;
        assert_eq!(
            dismissed.status,
            StatusCode::SEE_OTHER,
            "{}",
            dismissed.body
        );
        let (rows, _, lines) = report_rows(&app, &session).await;
        assert!(!rows.iter().any(|r| r.2 == "jill"));
        assert!(
            lines
                .iter()
                .any(|l| l[2] == "jill" && l[10] == "contractor kept on purpose")
        );
        let page = app.get("/roster", Some(&session)).await;
        assert!(
            page.body.contains("$145.00"),
            "jill no longer costs: {}",
            page.body
        );
        let trail = app.store.audit_events(None).await.expect("trail");
        let kinds: Vec<&str> = trail.iter().map(|r| r.kind.as_str()).collect();
        assert!(
            kinds.contains(&"roster_imported") && kinds.contains(&"roster_finding_dismissed"),
            "{kinds:?}"
        );
    }
}

/// Every Hub call hubsim has counted so far.
async fn hub_calls(app: &TestApp) -> u64 {
    let calls: Value = app
        .http
        .get(format!("{}/_sim/calls", app.hub_url))
        .send()
        .await
        .expect("calls")
        .json()
        .await
        .expect("JSON");
    calls["total"].as_u64().expect("total")
}

/// What the roster's background refresh does when asked: reads the orgs and stores the read.
pub async fn read_orgs(app: &TestApp) {
    app.app
        .request_roster_refresh()
        .await
        .expect("asked for a refresh");
    let read = app.app.run_roster_refresh_if_due().await.expect("refresh");
    assert!(read, "a refresh asked for is due");
}

/// The page, its CSV and the dashboard never read the Hub: they show the orgs as the
/// background last read them, "never read" before the first read and "refreshing…" while one
/// asked for is waiting; the read itself happens in the refresh, which the page shows the time of.
#[tokio::test]
async fn the_roster_page_shows_the_stored_read_and_never_reads_the_hub_itself() {
    let (_dir, apps) = apps_with(options()).await;
    for app in apps {
        let session = app.login().await;
        let before = hub_calls(&app).await;
        let page = app.get("/roster", Some(&session)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body.contains("The orgs have never been read."),
            "{}",
            page.body
        );
        let csv = app.get("/roster.csv", Some(&session)).await;
        assert_eq!(csv.status, StatusCode::SERVICE_UNAVAILABLE, "{}", csv.body);

        let asked = app.submit(&session, "/roster/refresh", &[]).await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
        let page = app.get("/roster", Some(&session)).await;
        assert!(
            page.body.contains("id=\"roster-refreshing\""),
            "{}",
            page.body
        );
        assert_eq!(
            hub_calls(&app).await,
            before,
            "no page request read the Hub"
        );

        assert!(app.app.run_roster_refresh_if_due().await.expect("refresh"));
        let after_read = hub_calls(&app).await;
        assert!(after_read > before, "the refresh read the orgs");
        assert!(
            !app.app.run_roster_refresh_if_due().await.expect("refresh"),
            "nothing is due right after a read"
        );
        let page = app.get("/roster", Some(&session)).await;
        assert!(page.body.contains("Orgs read"), "{}", page.body);
        assert!(!page.body.contains("roster-refreshing"), "{}", page.body);
        assert!(
            page.body.contains("data-key=\"beta-lab|orphan|jill\""),
            "{}",
            page.body
        );
        let csv = app.get("/roster.csv", Some(&session)).await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
        let dashboard = app.get("/", Some(&session)).await;
        assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.body);
        assert_eq!(
            hub_calls(&app).await,
            after_read,
            "the page, the CSV and the dashboard read only what was stored"
        );
    }
}

/// `leaver roster report --json` against the app's database and hubsim (which answers from
/// this test's runtime while the command runs on a blocking thread).
async fn cli_report(app: &TestApp) -> Value {
    let (db_url, hub_url) = (app.db_url.clone(), app.hub_url.clone());
    let output = tokio::task::spawn_blocking(move || cli_report_in(&db_url, &hub_url))
        .await
        .expect("the command's thread");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout(&output)).expect("JSON")
}

fn cli_report_in(db_url: &str, hub_url: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_leaver"))
        .args(["roster", "report", "--json"])
        .env("LEAVER_DATABASE_URL", db_url)
        .env("LEAVER_HUB_URL", hub_url)
        .env("LEAVER_HUB_TOKEN", leaver_testkit::HUB_TOKEN)
        .env("LEAVER_ORGS", "acme-ai,beta-lab")
        .env("LEAVER_SEAT_PRICE_TEAM", "25")
        .env("LEAVER_SEAT_PRICE_ENTERPRISE", "60")
        .env("LEAVER_SECRET_KEY", "11".repeat(32))
        .output()
        .expect("leaver runs")
}

#[tokio::test]
async fn leaver_roster_import_replaces_the_roster_whole_and_a_bad_file_changes_nothing() {
    let (dir, apps) = apps_with(options()).await;
    for app in apps {
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, BAD).expect("write");
        let refused = app.leaver(&["roster", "import", bad.to_str().expect("path")], "");
        assert!(!refused.status.success());
        let said = crate::support::stderr(&refused);
        assert!(
            said.contains("line 3: status: must be active or terminated"),
            "{said}"
        );
        assert!(stdout(&refused).contains("the roster was not changed"));
        assert_eq!(app.count("roster_import").await, 0);

        let good = dir.path().join("roster.csv");
        std::fs::write(&good, ROSTER).expect("write");
        let done = app.leaver(&["roster", "import", good.to_str().expect("path")], "");
        assert!(done.status.success(), "{}", crate::support::stderr(&done));
        assert!(stdout(&done).contains("roster replaced: 8 people (5 active, 3 terminated)"));

        // A second import replaces the first: its entries only, both imports on record.
        let smaller: String = ROSTER.lines().take(3).map(|l| format!("{l}\n")).collect();
        std::fs::write(&good, smaller).expect("write");
        let again = app.leaver(&["roster", "import", good.to_str().expect("path")], "");
        assert!(again.status.success(), "{}", crate::support::stderr(&again));
        assert_eq!(app.count("roster_entry").await, 2);
        assert_eq!(app.count("roster_import").await, 2);
        let (import, entries) = leaver_store::roster::RosterStore::roster(app.store.as_ref())
            .await
            .expect("roster");
        assert_eq!((import.map(|i| i.entries), entries.len()), (Some(2), 2));
    }
}

/// A SCIM user as the identity provider would have pushed it.
fn scim_user(
    n: usize,
    user: &str,
    active: bool,
    now: time::OffsetDateTime,
) -> leaver_store::ScimUser {
    leaver_store::ScimUser {
        scim_id: format!("00000000-0000-4000-8000-0000000000{n:02}"),
        external_id: None,
        user_name: format!("{user}@acme.test"),
        email: Some(format!("{user}@acme.test")),
        active,
        hub_username: Some(user.to_owned()),
        successor: None,
        manager_ref: Some("carol@acme.test".into()),
        resource: json!({}),
        version: 1,
        created_at: now,
        updated_at: now,
        case_id: None,
    }
}

#[tokio::test]
async fn scim_users_are_a_second_source_and_terminated_in_either_wins() {
    use leaver_store::{ScimAudit, ScimUserStore};
    let (_dir, apps) = apps_with(options()).await;
    for app in apps {
        let preview = leaver_app::roster::import::preview(ROSTER.as_bytes()).expect("read");
        let actor = leaver_app::model::Actor::cli();
        app.app
            .import_roster(&preview, &actor)
            .await
            .expect("imported");
        // gina (an orphan by the CSV) is active in the IdP; ivan (an orphan too) was
        // deactivated there; bob (active in the CSV) too.
        for (n, (user, active)) in [("gina", true), ("ivan", false), ("bob", false)]
            .into_iter()
            .enumerate()
        {
            let audit = ScimAudit {
                actor: &actor,
                kind: "scim_user_created",
                data: json!({}),
            };
            let stored = app
                .store
                .insert_scim_user(&scim_user(n, user, active, app.now()), audit)
                .await;
            assert!(stored.expect("stored"), "{user}");
        }
        read_orgs(&app).await;
        let report = app.app.roster_report().await.expect("report");
        let rows: BTreeSet<(String, &str, String)> = report
            .rows
            .iter()
            .filter(|r| r.finding.kind.as_str() != "service_account")
            .map(|r| {
                (
                    r.finding.org.clone(),
                    r.finding.kind.as_str(),
                    r.finding.subject.clone(),
                )
            })
            .collect();
        let r = |o: &str, k: &'static str, s: &str| (o.to_owned(), k, s.to_owned());
        let expected: BTreeSet<_> = [
            r("acme-ai", "missed_offboarding", "bob"),
            r("acme-ai", "missed_offboarding", "dan"),
            r("acme-ai", "missed_offboarding", "eve"),
            r("acme-ai", "missed_offboarding", "frank"),
            r(
                "acme-ai",
                "outside_gated_access",
                "out@model:acme-ai/llama-ft",
            ),
            r("beta-lab", "missed_offboarding", "ivan"),
            r("beta-lab", "orphan", "jill"),
            r("beta-lab", "pending_invitation", "kim"),
        ]
        .into();
        assert_eq!(rows, expected);
        assert_eq!((report.roster_entries, report.scim_entries), (8, 3));
    }
}

#[test]
fn bad_seat_prices_and_revoke_target_are_named_at_once() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_leaver"))
        .args(["roster", "report"])
        .env("LEAVER_DATABASE_URL", "sqlite://unused.db")
        .env("LEAVER_SEAT_PRICE_TEAM", "-5")
        .env("LEAVER_SEAT_PRICE_ENTERPRISE", "fifty")
        .env("LEAVER_REVOKE_TARGET_HOURS", "0")
        .output()
        .expect("leaver runs");
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    for name in [
        "LEAVER_SEAT_PRICE_TEAM",
        "LEAVER_SEAT_PRICE_ENTERPRISE",
        "LEAVER_REVOKE_TARGET_HOURS",
    ] {
        assert!(said.contains(name), "{name} in {said}");
    }
}
