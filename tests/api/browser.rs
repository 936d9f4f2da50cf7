//! A walk through the operator pages in headless Chromium (driven by chromedriver through
//! fantoccini), against the real `leaver serve` and engine talking to hubsim: log in, open a case
//! with the form, see it planned, approve, watch it complete on its page, export its evidence.
//! Screenshots go to `target/test-artifacts/`.
//!
//! CI installs Debian's `chromium` and `chromium-driver` (see `.ci/run`) and sets
//! `LEAVER_REQUIRE_BROWSER=1`, so there the test cannot skip; elsewhere, without them, it prints
//! what is missing and how to install it, and skips.

use crate::chrome::{artifacts, browser, browser_tools, chromedriver, fill, log_in, serve, shot};
use fantoccini::{Client, Locator};
use leaver_core::{CaseId, CaseState};
use leaver_store::Store;
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WORLD: &str = include_str!("../../crates/leaver/demo/world.json");
const PASSWORD: &str = "browser test password";

/// Waits until the browser is on a page whose path satisfies `ok`.
async fn wait_for_path(browser: &Client, ok: impl Fn(&str) -> bool) -> url::Url {
    let started = Instant::now();
    loop {
        let url = browser.current_url().await.expect("url");
        if ok(url.path()) {
            return url;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "still on {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the dashboard lists the manager's open approval link.
async fn wait_for_approval_request(browser: &Client, url: &str) {
    let started = Instant::now();
    loop {
        browser.goto(&format!("{url}/")).await.expect("dashboard");
        let source = browser.source().await.expect("source");
        if source.contains("id=\"approvals-waiting\"") && source.contains("erin@acme.test") {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no approval request on the dashboard"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Presses the approval page's Approve button and returns the decision the page then shows.
pub(crate) async fn approve_on_page(browser: &Client) -> String {
    browser
        .find(Locator::Css("#approve"))
        .await
        .expect("the approve button")
        .click()
        .await
        .expect("approve");
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#decided"))
        .await
        .expect("the decision is shown")
        .text()
        .await
        .expect("text")
}

/// The approval link in the first email delivered to `recipient`.
pub(crate) async fn approval_link(
    sink: &leaver_mail::smtp_sink::SmtpSink,
    recipient: &str,
) -> String {
    let started = Instant::now();
    loop {
        for message in sink.messages() {
            if !message.rcpt_to.iter().any(|r| r.contains(recipient)) {
                continue;
            }
            let parsed = mail_parser::MessageParser::default()
                .parse(message.data.as_bytes())
                .expect("MIME");
            let text = parsed.body_text(0).expect("a text part").into_owned();
            let link = text
                .split_whitespace()
                .find(|w| w.contains("/approvals/") && !w.contains('?'))
                .expect("a link to the approval page");
            return link.to_owned();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no approval email for {recipient}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub(crate) async fn wait_for_state(
    store: &dyn Store,
    id: CaseId,
    done: impl Fn(CaseState) -> bool,
) -> leaver_core::Case {
    let started = Instant::now();
    loop {
        let case = store.case(id).await.expect("case");
        if done(case.state) {
            return case;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "case stuck in {}: {case:#?}",
            case.state
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_opens_a_case_in_the_browser_watches_it_complete_and_exports_evidence() {
    let Some((chromium, driver)) = browser_tools() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, db) = leaver_store::scratch::sqlite(dir.path())
        .await
        .expect("store");
    let seed = hubsim::Seed::from_json(WORLD)
        .map_err(|(at, e)| format!("{at}: {e}"))
        .expect("world");
    let sim = hubsim::spawn(seed).await.expect("hubsim");
    let mut add = Command::new(env!("CARGO_BIN_EXE_leaver"))
        .args([
            "user",
            "add",
            "--email",
            "ops@acme.test",
            "--password-stdin",
        ])
        .env("LEAVER_DATABASE_URL", &db)
        .stdin(Stdio::piped())
        .spawn()
        .expect("user add");
    std::io::Write::write_all(
        &mut add.stdin.take().expect("stdin"),
        format!("{PASSWORD}\n").as_bytes(),
    )
    .expect("password");
    assert!(add.wait().expect("user add ends").success());
    let sink = leaver_mail::smtp_sink::SmtpSink::start().await;
    let (_server, url) = serve(&db, &sim.url, &sink.url);
    let (_driver, webdriver) = chromedriver(&driver).await;
    let browser = browser(&chromium, &webdriver, &dir.path().join("chromium-profile")).await;

    // Log in.
    browser
        .goto(&format!("{url}/cases/new"))
        .await
        .expect("goto");
    assert!(
        browser
            .current_url()
            .await
            .expect("url")
            .path()
            .starts_with("/login")
    );
    shot(&browser, "1-login").await;
    log_in(&browser, "ops@acme.test", PASSWORD).await;

    // Open a case through the form (login came back to it).
    browser
        .wait()
        .for_element(Locator::Css("form[action='/cases/new']"))
        .await
        .expect("the new-case form");
    for (field, value) in [
        ("#external_id", "HR-2001"),
        ("#email", "frank@acme.test"),
        ("#name", "Frank Fox"),
        ("#hub_username", "frank"),
        ("#manager_email", "erin@acme.test"),
        ("#reason", "resignation"),
    ] {
        fill(&browser, field, value).await;
    }
    shot(&browser, "2-new-case").await;
    browser
        .find(Locator::Css("form[action='/cases/new'] button"))
        .await
        .expect("button")
        .click()
        .await
        .expect("open");
    let page = wait_for_path(&browser, |p| p.starts_with("/cases/") && p != "/cases/new").await;
    let id: CaseId = page
        .path()
        .trim_start_matches("/cases/")
        .parse()
        .expect("on the case page");

    let planned = wait_for_state(&store, id, |s| s != CaseState::Planning).await;
    browser.refresh().await.expect("reload");
    shot(&browser, "3-planned").await;
    assert_eq!(planned.state, CaseState::AwaitingApproval, "{planned:#?}");
    wait_for_approval_request(&browser, &url).await;
    shot(&browser, "3b-dashboard").await;

    // The manager follows the link in the email that was delivered over SMTP, and approves.
    let link = approval_link(&sink, "erin@acme.test").await;
    browser.goto(&link).await.expect("the approval page");
    shot(&browser, "4-approval-page").await;
    let decided = approve_on_page(&browser).await;
    assert!(decided.contains("Approved by erin@acme.test"), "{decided}");
    shot(&browser, "5-approved").await;

    let done = wait_for_state(&store, id, |s| {
        matches!(s, CaseState::Completed | CaseState::NeedsAttention)
    })
    .await;
    assert_eq!(done.state, CaseState::Completed, "{done:#?}");
    browser.goto(page.as_str()).await.expect("the case page");
    let source = browser.source().await.expect("source");
    assert!(
        source.contains("<span class=\"badge completed\">completed</span>"),
        "the page shows the case completed"
    );
    shot(&browser, "4-completed").await;

    // Settings: the orgs as the engine read them (never read inline by the page).
    let started = Instant::now();
    loop {
        browser
            .goto(&format!("{url}/settings"))
            .await
            .expect("settings");
        let source = browser.source().await.expect("source");
        if source.contains("leaver-bot") && source.contains("manage members") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "settings never showed the orgs"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    shot(&browser, "4b-settings").await;
    browser.goto(page.as_str()).await.expect("the case page");

    // Evidence: the printable page, then the JSON with the session's cookie.
    browser
        .find(Locator::LinkText("page"))
        .await
        .expect("evidence link")
        .click()
        .await
        .expect("evidence");
    wait_for_path(&browser, |p| p.ends_with("/evidence")).await;
    let evidence_page = browser.source().await.expect("source");
    assert!(evidence_page.contains("Offboarding evidence") && evidence_page.contains("intact"));
    assert!(evidence_page.contains("verified on the Hub") || evidence_page.contains("frank"));
    shot(&browser, "5-evidence").await;
    let cookie = browser
        .get_named_cookie("leaver_session")
        .await
        .expect("session cookie");
    let json: Value = reqwest::Client::new()
        .get(format!("{url}/cases/{id}/evidence?format=json"))
        .header("cookie", format!("leaver_session={}", cookie.value()))
        .send()
        .await
        .expect("evidence")
        .json()
        .await
        .expect("json");
    std::fs::write(
        artifacts().join("browser-evidence.json"),
        serde_json::to_vec_pretty(&json).unwrap_or_default(),
    )
    .expect("save");
    let case = &json["cases"][0];
    assert!(
        case["verify_snapshot"].is_object(),
        "the verify snapshot is in the evidence"
    );
    assert!(case["hub_calls"].as_array().is_some_and(|c| c.len() >= 7));
    assert_eq!(json["chain"]["broken"], Value::Null);
    browser.close().await.expect("close");
}
