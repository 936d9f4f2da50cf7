//! The drift watch end to end, with `LEAVER_WATCH_EVERY_SECS=2` and the real workers: a
//! completed leaver is granted a gated repo again and re-provisioned into a managed-SSO org
//! through SCIM; the watch finds it, the operators are emailed through the SMTP sink, a
//! follow-up case takes the access away once the manager approves, and the dashboard and the
//! API show the link both ways.

use crate::support::{HUB_TOKEN, MANAGER, TestApp, world};
use leaver_app::model::{CaseId, CaseState};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const OPS: &str = "ops@acme.test";
const PASSWORD: &str = "a long operator passphrase";

/// The approvals world plus beta-lab on managed SSO, where bob was provisioned through SCIM.
fn drift_world() -> Value {
    let mut seed = world();
    seed["orgs"].as_array_mut().expect("orgs").push(json!({
        "name": "beta-lab", "plan": "enterprise", "scim": "managed",
        "members": [{"user": "leaver-bot", "role": "admin"}, {"user": "dave", "role": "admin"},
                    {"user": "bob", "role": "read"}],
        "scim_users": [{"user": "bob"}, {"user": "dave"}]
    }));
    seed
}

async fn apps() -> (tempfile::TempDir, Vec<TestApp>) {
    let kit = leaver_testkit::Options::default()
        .world(drift_world())
        .smtp_sink()
        .settings(|s| {
            s.orgs = vec!["acme-ai".into(), "beta-lab".into()];
            s.operator_email = vec![OPS.into()];
            s.operator_digest_secs = 1;
            s.watch_every_secs = 2;
        });
    let (dir, kits) = leaver_testkit::apps(kit).await;
    let apps = kits
        .into_iter()
        .map(|mut kit| TestApp {
            backend: kit.dialect,
            sink: kit.sink.take().expect("an SMTP sink"),
            kit,
        })
        .collect();
    (dir, apps)
}

/// A call to hubsim as an org admin (Leaver's bot is one), expecting success.
async fn hub(app: &TestApp, method: reqwest::Method, path: &str, body: Value) -> Value {
    let response = app
        .http
        .request(method, format!("{}{path}", app.hub_url))
        .bearer_auth(HUB_TOKEN)
        .json(&body)
        .send()
        .await
        .expect("hub");
    let status = response.status();
    let answer = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {answer}");
    answer
}

/// An admin grants bob the gated model again; the IdP provisions him into beta-lab again.
async fn bob_comes_back(app: &TestApp) {
    let grant = "/api/models/acme-ai/llama-ft/user-access-request/grant";
    hub(app, reqwest::Method::POST, grant, json!({"user": "bob"})).await;
    let users = "/api/organizations/beta-lab/scim/v2/Users";
    let query = format!("{users}?filter=userName%20eq%20%22bob%22");
    let found = hub(app, reqwest::Method::GET, &query, Value::Null).await;
    let id = found["Resources"][0]["id"].as_str().expect("bob's SCIM id");
    let patch = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": true}]
    });
    hub(app, reqwest::Method::PATCH, &format!("{users}/{id}"), patch).await;
}

/// What bob holds per hubsim: beta-lab membership, access to the gated model.
async fn bob_holds(app: &TestApp) -> (bool, Option<String>) {
    let state = app
        .http
        .get(format!("{}/_sim/state", app.hub_url))
        .send()
        .await
        .expect("state")
        .json::<Value>()
        .await
        .expect("json");
    (
        hubsim::dump::role(&state, "beta-lab", "bob").is_some(),
        hubsim::dump::access(&state, "acme-ai/llama-ft", "bob"),
    )
}

/// Waits (the workers run on their own) until `check` answers `Some`.
async fn eventually<T, F: Future<Output = Option<T>>>(what: &str, check: impl Fn() -> F) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Approves the newest request about bob, as the manager does from the email.
async fn manager_approves(app: &TestApp) {
    let link = app.link_for(MANAGER, "bob");
    let answer = app.press(&link, "approve", "").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
}

/// The `name=value` of the cookie `name` that `response` sets.
fn cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_owned()
}

/// The HTML of the operator pages at `paths`, as a logged-in operator sees them.
async fn operator_pages(app: &TestApp, paths: &[String]) -> Vec<String> {
    app.app.add_operator(OPS, PASSWORD).await.expect("operator");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let form = http.get(format!("{}/login", app.url)).send().await;
    let form = form.expect("login page");
    let login_cookie = cookie(&form, "leaver_login");
    let html = form.text().await.expect("html");
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf");
    let fields = [
        ("email", OPS),
        ("password", PASSWORD),
        ("csrf", csrf),
        ("next", "/"),
    ];
    let login = http
        .post(format!("{}/login", app.url))
        .header(reqwest::header::ORIGIN, &app.url)
        .header(reqwest::header::COOKIE, login_cookie)
        .form(&fields)
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let session = cookie(&login, "leaver_session");
    let mut pages = Vec::new();
    for path in paths {
        let page = http
            .get(format!("{}{path}", app.url))
            .header(reqwest::header::COOKIE, &session)
            .send()
            .await
            .expect("page");
        pages.push(page.text().await.expect("html"));
    }
    pages
}

async fn api_case(app: &TestApp, key: &str, id: CaseId) -> Value {
    let url = format!("{}/api/v1/cases/{id}", app.url);
    let answer = app.http.get(url).bearer_auth(key).send().await;
    answer.expect("api").json().await.expect("json")
}

#[tokio::test]
async fn access_that_comes_back_is_found_emailed_and_taken_away_again_after_approval() {
    let (_dir, apps) = apps().await;
    for app in &apps {
        let backend = app.backend;
        let original = app.open_and_ask("HR-1", "bob").await;
        manager_approves(app).await;
        app.run_until(original, |s| s == CaseState::Completed).await;
        assert_eq!(bob_holds(app).await, (false, Some("rejected".into())));

        let (stop, stopped) = tokio::sync::watch::channel(false);
        let workers = app.app.start_workers(stopped).expect("workers");
        bob_comes_back(app).await;
        assert_eq!(bob_holds(app).await, (true, Some("accepted".into())));

        let drift = eventually("the watch finds the drift", || async {
            app.app.drift_of(original).await.expect("drift").pop()
        })
        .await;
        assert_eq!(drift.original.id, original, "{backend:?}");
        assert_eq!(drift.follow_up.external_id, "HR-1-drift-1", "{backend:?}");
        let found = drift.found.join("; ");
        assert!(found.contains("model:acme-ai/llama-ft"), "{found}");
        assert!(found.contains("org:beta-lab"), "{found}");
        assert_eq!(
            app.audited(original, "drift_detected").await,
            1,
            "{backend:?}"
        );

        let follow_up = drift.follow_up.id;
        eventually("the follow-up asks the manager", || async {
            let asked = app.case(follow_up).await.state == CaseState::AwaitingApproval;
            (asked && app.mails_to(MANAGER).len() >= 2).then_some(())
        })
        .await;
        assert!(bob_holds(app).await.0, "nothing is taken before approval");
        let mail = eventually("the operators are emailed", || async {
            app.mails_to(OPS).pop()
        })
        .await;
        let page = format!("{}/cases/{original}", app.url);
        assert!(mail.text.contains(&page), "{backend:?}: {}", mail.text);
        assert!(mail.text.contains("access came back"), "{}", mail.text);

        manager_approves(app).await;
        eventually("the follow-up completes", || async {
            (app.case(follow_up).await.state == CaseState::Completed).then_some(())
        })
        .await;
        assert_eq!(bob_holds(app).await, (false, Some("rejected".into())));
        stop.send(true).expect("stop");
        workers.stopped().await.expect("workers stop");

        let key = app.app.create_api_key("hr").await.expect("key");
        let shown = api_case(app, &key, original).await;
        assert_eq!(
            shown["drift"][0]["follow_up_id"],
            json!(follow_up.to_string())
        );
        assert_eq!(shown["drift"][0]["follow_up_external_id"], "HR-1-drift-1");
        let shown = api_case(app, &key, follow_up).await;
        assert_eq!(
            shown["drift"][0]["original_id"],
            json!(original.to_string())
        );

        let paths = [
            "/".to_owned(),
            format!("/cases/{original}"),
            format!("/cases/{follow_up}"),
        ];
        let pages = operator_pages(app, &paths).await;
        let (html, original_page, follow_up_page) = (&pages[0], &pages[1], &pages[2]);
        assert!(
            original_page.contains(&format!("href=\"/cases/{follow_up}\"")),
            "{original_page}"
        );
        assert!(
            follow_up_page.contains(&format!("href=\"/cases/{original}\"")),
            "{follow_up_page}"
        );
        assert!(
            html.contains(&format!("href=\"/cases/{follow_up}\"")),
            "{html}"
        );
        assert!(html.contains("HR-1-drift-1"), "{backend:?}");
        let metrics = app.http.get(format!("{}/metrics", app.url)).send().await;
        let metrics = metrics.expect("metrics").text().await.expect("text");
        assert!(
            metrics.contains("leaver_drift_detected_total 1"),
            "{metrics}"
        );
    }
}
