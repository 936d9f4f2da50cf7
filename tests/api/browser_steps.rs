//! Approving step by step in headless Chromium, against the real `leaver serve` and hubsim's
//! demo world, on SQLite and (with `TEST_POSTGRES_URL`) Postgres: the manager opens the emailed
//! link, marks one gated repo's revocation Reject with a reason and presses Approve; the case
//! completes, hubsim shows that one grant kept and every other access of the leaver gone, and
//! the evidence export names the kept grant, the approver and the reason.

use crate::browser::{approval_link, approve_on_page, wait_for_state};
use crate::chrome::{browser, browser_tools, chromedriver, fill, serve_with, shot};
use fantoccini::Locator;
use leaver_core::{CaseId, CaseState, StepKind, StepState};
use serde_json::Value;
use std::process::{Command, Output};

const WORLD: &str = include_str!("../../crates/leaver/demo/world.json");
const SECRET_KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const WHY: &str = "frank hands the faces dataset over until the end of March";

/// `leaver ARGS` on `db`.
fn leaver(db: &str, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_leaver"))
        .args(args)
        .env("LEAVER_DATABASE_URL", db)
        .env("LEAVER_SECRET_KEY", SECRET_KEY)
        .env_remove("LEAVER_HUB_TOKEN")
        .output()
        .expect("leaver runs");
    assert!(
        output.status.success(),
        "leaver {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_keeps_one_gated_grant_and_the_case_completes_without_it() {
    let Some((chromium, driver)) = browser_tools() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let stores = leaver_store::scratch::all(dir.path())
        .await
        .expect("stores");
    for (n, (store, db)) in stores.iter().enumerate() {
        let seed = hubsim::Seed::from_json(WORLD)
            .map_err(|(at, e)| format!("{at}: {e}"))
            .expect("world");
        let sim = hubsim::spawn(seed).await.expect("hubsim");
        let sink = leaver_mail::smtp_sink::SmtpSink::start().await;
        let env = [("LEAVER_SECRET_KEY", SECRET_KEY)];
        let (_server, _url) = serve_with(db, &sim.url, &sink.url, &env);
        let (_driver, webdriver) = chromedriver(&driver).await;
        let profile = dir.path().join(format!("chromium-profile-{n}"));
        let browser = browser(&chromium, &webdriver, &profile).await;

        // HR opens the case; the engine plans it and emails the manager.
        let opened = leaver(
            db,
            &[
                "case",
                "open",
                "--external-id",
                "HR-3001",
                "--email",
                "frank@acme.test",
                "--hub-user",
                "frank",
                "--manager",
                "erin@acme.test",
                "--name",
                "Frank Fox",
            ],
        );
        let id: CaseId = String::from_utf8_lossy(&opened.stdout)
            .lines()
            .last()
            .expect("the id")
            .trim()
            .parse()
            .expect("a case id");
        let planned = wait_for_state(store, id, |s| s != CaseState::Planning).await;
        assert_eq!(planned.state, CaseState::AwaitingApproval, "{planned:#?}");
        let faces = planned
            .steps
            .iter()
            .find(|s| {
                s.kind == StepKind::RevokeGatedAccess && s.target.to_string().contains("faces")
            })
            .expect("the revocation of frank's grant on acme-ai/faces")
            .clone();

        // The manager marks that one step Reject, says why, and presses Approve.
        let link = approval_link(&sink, "erin@acme.test").await;
        browser.goto(&link).await.expect("the approval page");
        let radios = browser
            .find_all(Locator::Css(
                "#steps input[type=radio][value=approve]:checked",
            ))
            .await
            .expect("radios");
        assert!(
            radios.len() >= 4,
            "every step starts on approve: {}",
            radios.len()
        );
        browser
            .find(Locator::Css(&format!(
                "input[name='step.{}'][value='reject']",
                faces.id
            )))
            .await
            .expect("the faces step's Reject")
            .click()
            .await
            .expect("mark reject");
        fill(&browser, "#reason", WHY).await;
        shot(&browser, &format!("steps-{n}-1-marked")).await;
        let decided = approve_on_page(&browser).await;
        assert!(decided.contains("Approved by erin@acme.test"), "{decided}");
        assert!(
            decided.contains("except what you chose to keep"),
            "{decided}"
        );
        let kept_list = browser
            .find(Locator::Css("#kept"))
            .await
            .expect("the kept list")
            .text()
            .await
            .expect("text");
        assert!(kept_list.contains("faces"), "{kept_list}");
        shot(&browser, &format!("steps-{n}-2-decided")).await;

        // The case completes without the kept step; hubsim shows only that grant left.
        let done = wait_for_state(store, id, |s| {
            matches!(s, CaseState::Completed | CaseState::NeedsAttention)
        })
        .await;
        assert_eq!(done.state, CaseState::Completed, "{done:#?}");
        let kept = done.step(faces.id).expect("the kept step");
        assert_eq!(kept.state, StepState::Rejected);
        assert_eq!(kept.kept_by.as_deref(), Some("erin@acme.test"));
        assert_eq!(kept.attempts, 0, "the kept step never ran");
        assert!(
            done.steps
                .iter()
                .filter(|s| s.id != faces.id)
                .all(|s| matches!(s.state, StepState::Succeeded | StepState::Skipped)),
            "{done:#?}"
        );
        let state: Value = reqwest::get(format!("{}/_sim/state", sim.url))
            .await
            .expect("state")
            .json()
            .await
            .expect("json");
        assert_eq!(
            hubsim::dump::access(&state, "acme-ai/faces", "frank").as_deref(),
            Some("accepted"),
            "the kept grant is still there"
        );
        for org in ["acme-ai", "northwind"] {
            assert_eq!(
                hubsim::dump::role(&state, org, "frank"),
                None,
                "frank left {org}"
            );
        }
        let held: Vec<String> = state["repos"]
            .as_array()
            .expect("repos")
            .iter()
            .filter_map(|r| r["id"].as_str())
            .filter(|repo| hubsim::dump::access(&state, repo, "frank").is_some())
            .map(str::to_owned)
            .collect();
        assert_eq!(held, ["acme-ai/faces"], "no other grant of frank's remains");

        // The evidence names the kept grant, who kept it and why, as JSON and as the page.
        let id_text = id.to_string();
        let export = |format: &str| {
            let out = leaver(
                db,
                &["audit", "export", "--case", &id_text, "--format", format],
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let json: Value = serde_json::from_str(&export("json")).expect("JSON evidence");
        let kept = &json["cases"][0]["kept"];
        assert_eq!(kept.as_array().map(Vec::len), Some(1), "{kept}");
        assert_eq!(kept[0]["target"], "dataset:acme-ai/faces", "{kept}");
        assert_eq!(kept[0]["by"], "erin@acme.test", "{kept}");
        assert_eq!(kept[0]["reason"], WHY, "{kept}");
        let snapshot = &json["cases"][0]["verify_snapshot"]["kept"];
        assert_eq!(snapshot[0]["by"], "erin@acme.test", "{snapshot}");
        // The evidence names the pass that verified it by digest; the export puts the pass back
        // as each org's whole-org read, then each kept read, every one checked against the
        // digest the audit trail holds: the kept grant is counted.
        let pass = &json["cases"][0]["verify_snapshot"]["pass"];
        assert_eq!(pass["intact"], true, "{pass}");
        let orgs = json["cases"][0]["verify_snapshot"]["orgs"]
            .as_array()
            .expect("orgs read");
        assert!(!orgs.is_empty());
        for org in orgs {
            assert_eq!(org["intact"], true, "{org}");
            assert!(org["snapshot"]["gated"].is_object(), "{org}");
        }
        let faces = orgs
            .iter()
            .find_map(|o| o["snapshot"]["gated"].get("dataset:acme-ai/faces"))
            .expect("the kept grant's repo was read");
        // Accepted: bob's grant and frank's kept one.
        assert_eq!(faces, &serde_json::json!([2, 0]), "{faces}");
        let html = export("html");
        assert!(
            html.contains("Access kept by approvers")
                && html.contains("acme-ai/faces")
                && html.contains(WHY),
            "the printable evidence names the kept grant"
        );
        browser.close().await.expect("close");
    }
}
