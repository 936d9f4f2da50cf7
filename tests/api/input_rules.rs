//! Input that enters by any door obeys one set of rules (`leaver_core::input`): times are in
//! range after conversion to UTC, free text has no control characters and a bounded length, a
//! search matches what it says. Bad input is a 422 naming the field and changes nothing; a row
//! that does not decode (written before these rules) takes nothing else down.

use crate::support::{TestApp, apps, ticket};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Year 10000 once converted to UTC.
const OUT_OF_RANGE: &str = "9999-12-31T23:59:59-23:59";

fn fields(body: &Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_time_out_of_range_is_refused_by_the_api_and_the_form_and_writes_nothing() {
    let (_dir, apps) = apps().await;
    for app in &apps {
        for effective_at in [OUT_OF_RANGE, "0001-01-01T00:00:00Z", "9999-06-01T00:00:00Z"] {
            let mut body = ticket("HR-1", "bob");
            body["effective_at"] = json!(effective_at);
            let reply = app
                .api("POST", "/api/v1/cases", Some(&body.to_string()))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{effective_at}"
            );
            assert_eq!(fields(&reply.json()), ["effective_at"], "{}", reply.body);
        }

        let session = app.login().await;
        let form = app
            .submit(
                &session,
                "/cases/new",
                &[
                    ("external_id", "HR-2"),
                    ("email", "bob@acme.test"),
                    ("hub_username", "bob"),
                    ("manager_email", "carol@acme.test"),
                    ("effective_at", OUT_OF_RANGE),
                ],
            )
            .await;
        assert_eq!(
            form.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            form.body
        );
        assert!(form.body.contains("out of range"), "{}", form.body);

        assert_eq!(app.count("offboarding_case").await, 0);
        assert_eq!(app.count("job").await, 0);
        let list = app.api("GET", "/api/v1/cases", None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    }
}

/// Writes a time no reader can decode into one case's row, as a store filled before the range
/// check could hold.
async fn poison(app: &TestApp, id: &str) {
    let year_10000_ms: i64 = 253_402_300_800_000 + 86_400_000;
    sqlx::query("UPDATE offboarding_case SET effective_at = $1 WHERE case_id = $2")
        .bind(year_10000_ms)
        .bind(id)
        .execute(app.store.pool())
        .await
        .expect("poison");
}

#[tokio::test]
async fn a_case_row_that_does_not_decode_takes_no_list_down() {
    let (_dir, apps) = apps().await;
    for app in &apps {
        let bad = app.open_case("HR-1", "bob").await;
        let good = app.open_case("HR-2", "frank").await;
        poison(app, &bad).await;

        let list = app.api("GET", "/api/v1/cases", None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let listed = list.json();
        let ids: Vec<&str> = listed.as_array().map_or(Vec::new(), |cases| {
            cases.iter().filter_map(|c| c["id"].as_str()).collect()
        });
        assert_eq!(ids, [good.as_str()], "the readable case is listed");

        let session = app.login().await;
        let page = app.get("/cases", Some(&session)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("HR-2"));
        let shown = app.api("GET", &format!("/api/v1/cases/{good}"), None).await;
        assert_eq!(shown.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_cancel_reason_or_a_note_beyond_the_rules_is_refused_and_the_case_stays_open() {
    let (_dir, apps) = apps().await;
    for app in &apps {
        let id = app.open_case("HR-1", "bob").await;
        let huge = "x".repeat(1_500_000);
        for reason in ["rehired\0", "line\rbreak", "\u{202E}gpj.exe", huge.as_str()] {
            let body = json!({ "reason": reason }).to_string();
            let reply = app
                .api("POST", &format!("/api/v1/cases/{id}/cancel"), Some(&body))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                reply.body
            );
            assert_eq!(fields(&reply.json()), ["reason"]);
        }

        let session = app.login().await;
        let step = leaver_core::StepId::random();
        for (path, field) in [
            (format!("/cases/{id}/cancel"), "reason"),
            (format!("/cases/{id}/steps/{step}/manual-done"), "note"),
        ] {
            let form = app.submit(&session, &path, &[(field, "bye\0")]).await;
            assert_eq!(
                form.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}: {}",
                form.body
            );
        }

        let case = app.api("GET", &format!("/api/v1/cases/{id}"), None).await;
        assert_eq!(case.json()["state"], "planning", "nothing was cancelled");
        let kinds: Vec<String> = leaver_store::Store::audit_events(&*app.store, None)
            .await
            .expect("audit")
            .into_iter()
            .map(|r| r.kind)
            .collect();
        assert_eq!(kinds, ["case_opened"]);

        let fine = json!({ "reason": "rehired" }).to_string();
        let reply = app
            .api("POST", &format!("/api/v1/cases/{id}/cancel"), Some(&fine))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
}

#[tokio::test]
async fn a_search_for_percent_or_underscore_matches_them_literally() {
    let (_dir, apps) = apps().await;
    for app in &apps {
        app.open_case("HR-1", "bob").await;
        app.open_case("HR_2", "frank").await;
        let total = |reply: &crate::support::Reply| reply.json().as_array().map_or(0, Vec::len);
        for (search, expected) in [("%", 0), ("_", 1), ("HR_", 1), ("hr-", 1), ("hr", 2)] {
            let path = format!("/api/v1/cases?search={}", urlencode(search));
            let reply = app.api("GET", &path, None).await;
            assert_eq!(reply.status, StatusCode::OK, "{search}: {}", reply.body);
            assert_eq!(total(&reply), expected, "search={search}");
        }
    }
}

fn urlencode(raw: &str) -> String {
    serde_urlencoded::to_string([("v", raw)])
        .expect("encode")
        .trim_start_matches("v=")
        .to_owned()
}

#[tokio::test]
async fn a_plus_address_of_the_leaver_cannot_be_the_manager() {
    let (_dir, apps) = apps().await;
    for app in &apps {
        let mut body = ticket("HR-1", "jane");
        body["person"]["email"] = json!("jane.doe@acme.test");
        body["manager_email"] = json!("Jane.Doe+boss@acme.test");
        let reply = app
            .api("POST", "/api/v1/cases", Some(&body.to_string()))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        assert_eq!(fields(&reply.json()), ["manager_email"]);
        assert_eq!(app.count("offboarding_case").await, 0);
    }
}
