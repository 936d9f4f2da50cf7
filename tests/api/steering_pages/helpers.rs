//! What the steering page tests share: a world where bob is acme-ai's last human admin, the
//! apps over it (SMTP sink), a case opened and planned, approval links from the emails, and
//! hubsim's own view of who is a member.

use crate::support::{Reply, TestApp, apps_with, csrf_in};
use leaver_core::{Case, CaseId};
use leaver_store::Store;
use leaver_testkit::Options;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub const MANAGER: &str = "erin@acme.test";

/// acme-ai: bob is its last human admin; carol (write) and dave (read) stay.
pub fn world() -> Value {
    let user = |name: &str| json!({"username": name, "email": format!("{name}@acme.test")});
    json!({
        "users": [user("leaver-bot"), user("bob"), user("carol"), user("dave"), user("gina")],
        "tokens": [{"user": "leaver-bot", "value": leaver_testkit::HUB_TOKEN}],
        "orgs": [{"name": "acme-ai", "plan": "team", "scim": "none", "members": [
            {"user": "leaver-bot", "role": "admin"}, {"user": "bob", "role": "admin"},
            {"user": "carol", "role": "write"}, {"user": "dave", "role": "read"},
            {"user": "gina", "role": "write"}]}]
    })
}

pub async fn steering_apps() -> (tempfile::TempDir, Vec<TestApp>) {
    let options = Options::default()
        .world(world())
        .smtp_sink()
        .settings(|s| s.orgs = vec!["acme-ai".into()]);
    apps_with(options).await
}

/// Opens a case for `user` through the API (no successor) and lets the engine plan it.
pub async fn open_and_plan(app: &TestApp, external_id: &str, user: &str) -> CaseId {
    let ticket = json!({
        "external_id": external_id,
        "person": {"email": format!("{user}@acme.test"), "hub_username": user},
        "manager_email": MANAGER,
    });
    let created = app
        .api("POST", "/api/v1/cases", Some(&ticket.to_string()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("case id");
    app.run_pending_jobs().await;
    id
}

pub async fn case(app: &TestApp, id: CaseId) -> Case {
    app.store.case(id).await.expect("case")
}

/// The approval page paths (`/approvals/{token}`) emailed to `recipient`, oldest first.
pub fn links_to(app: &TestApp, recipient: &str) -> Vec<String> {
    let sink = app.sink.as_ref().expect("an SMTP sink");
    let mut links = Vec::new();
    for message in sink.messages() {
        if !message.rcpt_to.iter().any(|r| r == recipient) {
            continue;
        }
        let parsed = mail_parser::MessageParser::default()
            .parse(message.data.as_bytes())
            .expect("MIME");
        let text = parsed.body_text(0).expect("a text part").into_owned();
        for word in text.split_whitespace() {
            let Some((_, token)) = word.split_once("/approvals/") else {
                continue;
            };
            let token = token.split('?').next().unwrap_or_default();
            let path = format!("/approvals/{token}");
            if token.len() == 64 && !links.contains(&path) {
                links.push(path);
            }
        }
    }
    links
}

/// Opens the approval page at `path` and presses "approve" on it.
pub async fn approve(app: &TestApp, path: &str) -> Reply {
    let page = app.get(path, None).await;
    let key = csrf_in(&page.body);
    let fields = [
        ("csrf", key.as_str()),
        ("decision", "approve"),
        ("reason", ""),
    ];
    app.post_form(path, None, Some(&app.url), &fields).await
}

/// `user`'s role in acme-ai per hubsim's own state (None: not a member).
pub async fn role(app: &TestApp, user: &str) -> Option<String> {
    let state: Value = app
        .http
        .get(format!("{}/_sim/state", app.hub_url))
        .send()
        .await
        .expect("state")
        .json()
        .await
        .expect("JSON");
    let org = state["orgs"]
        .as_array()
        .expect("orgs")
        .iter()
        .find(|o| o["name"] == "acme-ai")
        .cloned()
        .expect("acme-ai");
    org["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["user"] == user)
        .map(|m| m["role"].as_str().unwrap_or_default().to_owned())
}
