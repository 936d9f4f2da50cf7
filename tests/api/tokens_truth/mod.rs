//! `flag_tokens` tells the truth (issue 14), over real HTTP with hubsim and the SMTP sink, on
//! both databases: the approval email and pages say what Leaver does with the raw tokens it
//! holds (how many, by fingerprint) or that it holds none, and what a person must check; the
//! person's check is an acknowledgement on the case (who, when; in the evidence), which the step
//! waits for only when `LEAVER_TOKENS_ACK_REQUIRED` says so; tokens handed over from the page or
//! the CLI are revoked on the Hub and never shown in clear. The dashboard's "needs attention"
//! table is in [`dashboard`].

mod ack;
mod dashboard;
mod email;
mod handover;

use crate::support::{Reply, TestApp, apps_with, csrf_in};
use leaver_core::{Case, CaseId};
use leaver_store::Store;
use leaver_testkit::Options;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub const MANAGER: &str = "erin@acme.test";
/// bob's personal Hub tokens, known to hubsim.
pub const BOB_TOKEN: &str = "hf_BobsPersonalToken0123456789";
pub const BOB_TOKEN_2: &str = "hf_BobsOtherToken98765432101";
/// The secret key the apps seal tokens with (the CLI must use the same).
pub const SECRET_KEY: &str = "4c6561766572207465737420736563726574206b657920666f7220746f6b656e73";

/// acme-ai (team): bob and carol are write members, dave is the last human admin; bob holds two
/// personal tokens.
pub fn world() -> Value {
    let user = |name: &str| json!({"username": name, "email": format!("{name}@acme.test")});
    json!({
        "users": [user("leaver-bot"), user("bob"), user("carol"), user("dave")],
        "tokens": [
            {"user": "leaver-bot", "value": leaver_testkit::HUB_TOKEN},
            {"user": "bob", "value": BOB_TOKEN},
            {"user": "bob", "value": BOB_TOKEN_2},
        ],
        "orgs": [{"name": "acme-ai", "plan": "team", "scim": "none", "members": [
            {"user": "leaver-bot", "role": "admin"}, {"user": "dave", "role": "admin"},
            {"user": "bob", "role": "write"}, {"user": "carol", "role": "write"}]}]
    })
}

/// The apps over [`world`]; `ack_required` sets `LEAVER_TOKENS_ACK_REQUIRED`.
pub async fn token_apps(ack_required: bool) -> (tempfile::TempDir, Vec<TestApp>) {
    let options = Options::default()
        .world(world())
        .smtp_sink()
        .settings(move |s| {
            s.orgs = vec!["acme-ai".into()];
            s.secret_key = Some(SECRET_KEY.to_owned().into());
            s.tokens_ack_required = ack_required;
        });
    apps_with(options).await
}

/// Opens a case for `user` through the API; the engine has not run yet.
pub async fn open(app: &TestApp, external_id: &str, user: &str) -> CaseId {
    let ticket = json!({
        "external_id": external_id,
        "person": {"email": format!("{user}@acme.test"), "hub_username": user},
        "manager_email": MANAGER,
    });
    let created = app
        .api("POST", "/api/v1/cases", Some(&ticket.to_string()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.json()["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("case id")
}

pub async fn case(app: &TestApp, id: CaseId) -> Case {
    app.store.case(id).await.expect("case")
}

/// The text parts of the emails sent to `recipient`, oldest first.
pub fn texts_to(app: &TestApp, recipient: &str) -> Vec<String> {
    let sink = app.sink.as_ref().expect("an SMTP sink");
    sink.messages()
        .iter()
        .filter(|m| m.rcpt_to.iter().any(|r| r == recipient))
        .map(|m| {
            let parsed = mail_parser::MessageParser::default()
                .parse(m.data.as_bytes())
                .expect("MIME");
            parsed.body_text(0).expect("a text part").into_owned()
        })
        .collect()
}

/// The approval page paths (`/approvals/{token}`) in `text`.
pub fn links_in(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    for word in text.split_whitespace() {
        let Some((_, token)) = word.split_once("/approvals/") else {
            continue;
        };
        let path = format!("/approvals/{}", token.split('?').next().unwrap_or_default());
        if !links.contains(&path) {
            links.push(path);
        }
    }
    links
}

/// The email's step about tokens: from its number to the next step's.
pub fn tokens_step(text: &str) -> String {
    let start = text
        .find("Tokens Management")
        .expect("the email mentions Tokens Management");
    let begin = text[..start].rfind("\n  ").unwrap_or(0);
    let end = text[start..]
        .find("How:")
        .map(|i| start + i)
        .and_then(|how| text[how..].find('\n').map(|n| how + n))
        .unwrap_or(text.len());
    text[begin..end].to_owned()
}

/// Approves every approval request emailed to the manager.
pub async fn approve_all(app: &TestApp) {
    for text in texts_to(app, MANAGER) {
        for path in links_in(&text) {
            let page = app.get(&path, None).await;
            if !page.body.contains("name=\"csrf\"") {
                continue;
            }
            let key = csrf_in(&page.body);
            let fields = [
                ("csrf", key.as_str()),
                ("decision", "approve"),
                ("reason", ""),
            ];
            let decided: Reply = app.post_form(&path, None, Some(&app.url), &fields).await;
            assert!(decided.status.is_redirection() || decided.status.is_success());
        }
    }
}

/// What hubsim answers `whoami-v2` with `token` as the bearer: 200 alive, 401 dead.
pub async fn whoami(app: &TestApp, token: &str) -> StatusCode {
    app.http
        .get(format!("{}/api/whoami-v2", app.hub_url))
        .bearer_auth(token)
        .send()
        .await
        .expect("whoami")
        .status()
}
