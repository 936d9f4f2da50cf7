//! Which doors may open a case before anyone knows the leaver's Hub username, over real HTTP on
//! SQLite and Postgres. An HR system's signed `terminated` webhook may not know it: its case
//! opens waiting in `needs_attention` and a `termination_changed` naming `person.hub_username`
//! plans it. A person at the API must say it: `POST /api/v1/cases` without it is a 422 naming
//! `person.hub_username`, and nothing is written. The case page says what the case waits for
//! and takes the name in its ticket form. (The SCIM door is in `scim.rs`.)

use crate::support::{TestApp, apps};
use leaver_app::model::Actor;
use leaver_core::CaseState;
use leaver_core::awaiting_username::AWAITING_HUB_USERNAME;
use leaver_store::Store;
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

/// Delivers the event `id` of `kind` with `data`, signed now with `secret`; status and body.
async fn signed(
    app: &TestApp,
    secret: &str,
    id: &str,
    kind: &str,
    data: Value,
) -> (StatusCode, Value) {
    let body = json!({"id": id, "type": kind, "data": data}).to_string();
    let t = app.now().unix_timestamp().to_string();
    let v1 = leaver_app::hooks::signature::sign(secret, &t, body.as_bytes());
    let response = app
        .http
        .post(format!("{}/api/v1/hooks/workday", app.url))
        .header(CONTENT_TYPE, "application/json")
        .header("Leaver-Signature", format!("t={t},v1={v1}"))
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

/// A `workday` hook source, and its `terminated` event for `email` without a Hub username
/// (answered 201): the source's secret and the case as the answer shows it.
async fn terminated_without_hub_username(
    app: &TestApp,
    external_id: &str,
    email: &str,
) -> (String, Value) {
    let secret = app
        .app
        .create_hook_source("workday", &Actor::cli())
        .await
        .expect("source");
    let ticket = json!({"external_id": external_id, "person": {"email": email},
        "manager_email": "carol@acme.test"});
    let (status, case) = signed(app, &secret, "evt-1", "terminated", ticket).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    (secret, case)
}

#[tokio::test]
async fn a_terminated_webhook_without_a_hub_username_opens_a_case_that_waits_for_it() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let (secret, case) = terminated_without_hub_username(&app, "WD-7", "bob@acme.test").await;
        assert_eq!(case["state"], "needs_attention", "{case}");
        assert_eq!(case["person"]["hub_username"], Value::Null);
        let id = case["id"].as_str().expect("id").parse().expect("case id");
        app.run_pending_jobs().await;
        let waiting = app.store.case(id).await.expect("case");
        assert!(waiting.steps.is_empty(), "nothing planned for nobody");
        assert_eq!(waiting.state, CaseState::NeedsAttention);

        // A name the Hub does not know, or one no Hub username can be, is refused naming the
        // field, and the case still waits.
        for (event, name) in [("evt-u", "no-such-user"), ("evt-l", &"b".repeat(43)[..])] {
            let bad = json!({"external_id": "WD-7", "person": {"hub_username": name}});
            let (status, body) = signed(&app, &secret, event, "termination_changed", bad).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
            assert!(body.to_string().contains("hub_username"), "{body}");
            let still = app.store.case(id).await.expect("case");
            assert_eq!(still.state, CaseState::NeedsAttention);
            assert_eq!(still.person.hub_username, None, "nothing changed");
        }

        let change = json!({"external_id": "WD-7", "person": {"hub_username": "bob"}});
        let (status, case) = signed(&app, &secret, "evt-2", "termination_changed", change).await;
        assert_eq!(status, StatusCode::OK, "{case}");
        assert_eq!(case["person"]["hub_username"], "bob", "{case}");
        // Planned from a read of the Hub (bob holds nothing in this world: the plan says so).
        let planned = app.run_until(id, |s| s != CaseState::Planning).await;
        assert!(!planned.steps.is_empty(), "planned once named");
        assert_ne!(
            planned.blocked_reason.as_deref(),
            Some(AWAITING_HUB_USERNAME),
            "{planned:#?}"
        );
    }
}

#[tokio::test]
async fn the_api_still_requires_the_hub_username_and_writes_nothing_without_it() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let ticket = json!({"external_id": "HR-9", "person": {"email": "bob@acme.test"},
            "manager_email": "carol@acme.test"});
        let reply = app
            .api("POST", "/api/v1/cases", Some(&ticket.to_string()))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        assert!(reply.body.contains("person.hub_username"), "{}", reply.body);
        assert_eq!(app.count("offboarding_case").await, 0);
    }
}

#[tokio::test]
async fn the_case_page_shows_what_a_waiting_case_needs_and_takes_the_hub_username() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let (_, case) = terminated_without_hub_username(&app, "WD-8", "dave@acme.test").await;
        let id: leaver_core::CaseId = case["id"].as_str().expect("id").parse().expect("case id");
        let session = app.login().await;
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        assert!(
            page.body.contains("(Hub username not known yet)")
                && page.body.contains("waiting for the Hub username")
                && page.body.contains("id=\"ticket-hub_username\""),
            "{}",
            page.body
        );
        // The dashboard's "Needs attention" row says the name is not known, not an empty cell.
        let dashboard = app.get("/", Some(&session)).await;
        let attention = dashboard
            .body
            .split("id=\"needs-attention\"")
            .nth(1)
            .expect("needs attention table");
        assert!(
            attention.contains("WD-8") && attention.contains("(Hub username not known yet)"),
            "{attention}"
        );
        let fields = [("hub_username", "dave"), ("shown_hub_username", "")];
        let set = app
            .submit(&session, &format!("/cases/{id}/update"), &fields)
            .await;
        assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
        let named = app.store.case(id).await.expect("case");
        assert_eq!(named.person.hub_username_text(), "dave");
        assert_eq!(named.blocked_reason, None);
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        assert!(
            !page.body.contains("id=\"ticket-hub_username\""),
            "asked only while the case waits"
        );
    }
}
