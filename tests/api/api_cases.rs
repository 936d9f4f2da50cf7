//! The REST API for HR systems: `/api/v1/cases`, API keys, `/api/openapi.json`, `/metrics`.

use crate::support::{apps, ticket};
use leaver_store::Store;
use reqwest::StatusCode;
use serde_json::{Value, json};

const TABLES: [&str; 3] = ["offboarding_case", "job", "audit_event"];

#[tokio::test]
async fn a_ticket_opens_a_case_once_and_a_conflicting_replay_is_refused() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let body = ticket("HR-1042", "bob").to_string();
        let created = app.api("POST", "/api/v1/cases", Some(&body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let case = created.json();
        assert_eq!(case["external_id"], "HR-1042");
        assert_eq!(case["person"]["hub_username"], "bob");
        assert_eq!(case["state"], "planning");

        let replay = app.api("POST", "/api/v1/cases", Some(&body)).await;
        assert_eq!(replay.status, StatusCode::OK);
        assert_eq!(replay.json(), case, "a replay returns the same case");

        let mut different = ticket("HR-1042", "bob");
        different["manager_email"] = json!("dave@acme.test");
        let conflict = app
            .api("POST", "/api/v1/cases", Some(&different.to_string()))
            .await;
        assert_eq!(conflict.status, StatusCode::CONFLICT, "{}", conflict.body);
        assert!(
            conflict.json()["error"]
                .as_str()
                .unwrap_or_default()
                .contains("HR-1042")
        );
        assert_eq!(app.count("offboarding_case").await, 1);

        let actor = app.store.audit_events(None).await.expect("audit")[0]
            .actor
            .clone();
        assert_eq!(actor, "api:hr", "the audit trail names the API key");
    }
}

#[tokio::test]
async fn missing_and_malformed_fields_are_each_named_and_nothing_is_written() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let before: Vec<i64> = table_counts(&app).await;
        let missing = json!({"person": {"name": "Bob"}, "manager_email": "carol@acme.test"});
        let reply = app
            .api("POST", "/api/v1/cases", Some(&missing.to_string()))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.json()["error"], "invalid input");
        assert_eq!(
            fields(&reply.json()),
            ["external_id", "person.email", "person.hub_username"]
        );

        let malformed = json!({"external_id": "HR-1", "person": {"email": "not-an-email", "hub_username": "-bob"},
            "manager_email": "carol", "effective_at": "tomorrow"});
        let reply = app
            .api("POST", "/api/v1/cases", Some(&malformed.to_string()))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            fields(&reply.json()),
            [
                "person.email",
                "person.hub_username",
                "manager_email",
                "effective_at"
            ]
        );

        let mistyped = json!({"external_id": 1042, "person": {"email": "bob@acme.test", "hub_username": ["bob"]},
            "manager_email": "carol@acme.test"});
        let reply = app
            .api("POST", "/api/v1/cases", Some(&mistyped.to_string()))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            fields(&reply.json()),
            ["external_id", "person.hub_username"]
        );

        let broken = app
            .api("POST", "/api/v1/cases", Some("{\"external_id\": "))
            .await;
        assert_eq!(broken.status, StatusCode::BAD_REQUEST);
        assert!(
            broken.json()["error"]
                .as_str()
                .unwrap_or_default()
                .contains("not valid JSON")
        );
        let array = app.api("POST", "/api/v1/cases", Some("[1, 2]")).await;
        assert_eq!(array.status, StatusCode::BAD_REQUEST);

        assert_eq!(table_counts(&app).await, before, "nothing was written");
    }
}

async fn table_counts(app: &crate::support::TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES {
        counts.push(app.count(table).await);
    }
    counts
}

fn fields(body: &Value) -> Vec<String> {
    body["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn requests_without_a_valid_api_key_are_refused() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let body = ticket("HR-1", "bob").to_string();
        for key in [None, Some("lvr_not-a-key"), Some("")] {
            let post = app.api_as(key, "POST", "/api/v1/cases", Some(&body)).await;
            assert_eq!(post.status, StatusCode::UNAUTHORIZED, "key {key:?}");
            let list = app.api_as(key, "GET", "/api/v1/cases", None).await;
            assert_eq!(list.status, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(app.count("offboarding_case").await, 0);
    }
}

#[tokio::test]
async fn cases_are_listed_by_state_search_and_page() {
    let (_dir, apps) = apps().await;
    for app in apps {
        for (n, user) in ["alice", "bob", "carla", "dave", "erin"].iter().enumerate() {
            let body = ticket(&format!("HR-{n}"), user).to_string();
            assert_eq!(
                app.api("POST", "/api/v1/cases", Some(&body)).await.status,
                StatusCode::CREATED
            );
        }
        let all = app.api("GET", "/api/v1/cases", None).await;
        assert_eq!(all.json().as_array().map(Vec::len), Some(5));
        let first = all.json()[0]["id"].as_str().unwrap_or_default().to_owned();
        let cancel = app
            .api("POST", &format!("/api/v1/cases/{first}/cancel"), None)
            .await;
        assert_eq!(cancel.status, StatusCode::OK);

        let ids = |reply: &crate::support::Reply| -> Vec<String> {
            reply
                .json()
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|c| c["external_id"].as_str().unwrap_or_default().to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let cancelled = app.api("GET", "/api/v1/cases?state=cancelled", None).await;
        assert_eq!(cancelled.json().as_array().map(Vec::len), Some(1));
        assert_eq!(cancelled.json()[0]["id"], first.as_str());
        let planning = app.api("GET", "/api/v1/cases?state=planning", None).await;
        assert_eq!(planning.json().as_array().map(Vec::len), Some(4));

        let search = app.api("GET", "/api/v1/cases?search=CARLA", None).await;
        assert_eq!(ids(&search), ["HR-2"]);

        let page1 = app.api("GET", "/api/v1/cases?limit=2&offset=0", None).await;
        let page3 = app.api("GET", "/api/v1/cases?limit=2&offset=4", None).await;
        assert_eq!(ids(&page1).len(), 2);
        assert_eq!(ids(&page3).len(), 1);
        let mut seen = ids(&page1);
        seen.extend(ids(&app
            .api("GET", "/api/v1/cases?limit=2&offset=2", None)
            .await));
        seen.extend(ids(&page3));
        seen.sort();
        assert_eq!(
            seen,
            ["HR-0", "HR-1", "HR-2", "HR-3", "HR-4"],
            "pages cover every case once"
        );

        let bad = app
            .api("GET", "/api/v1/cases?state=gone&limit=many", None)
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&bad.json()), ["state", "limit"]);
    }
}

#[tokio::test]
async fn a_case_is_shown_and_cancelled_once() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let id = app.open_case("HR-7", "bob").await;
        let shown = app.api("GET", &format!("/api/v1/cases/{id}"), None).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert_eq!(shown.json()["external_id"], "HR-7");

        let path = format!("/api/v1/cases/{id}/cancel");
        let cancelled = app
            .api("POST", &path, Some(r#"{"reason": "rehired"}"#))
            .await;
        assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
        assert_eq!(cancelled.json()["state"], "cancelled");
        let again = app.api("POST", &path, None).await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "a closed case cannot be cancelled again"
        );

        let unknown = "00000000-0000-4000-8000-000000000000";
        assert_eq!(
            app.api("GET", &format!("/api/v1/cases/{unknown}"), None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.api("GET", "/api/v1/cases/not-a-uuid", None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_path() {
    let (_dir, apps) = apps().await;
    let app = &apps[0];
    let reply = app.api_as(None, "GET", "/api/openapi.json", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc: Value = serde_json::from_str(&reply.body).expect("valid JSON");
    assert!(
        doc["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.")
    );
    for (path, method) in [
        ("/api/v1/cases", "post"),
        ("/api/v1/cases", "get"),
        ("/api/v1/cases/{id}", "get"),
        ("/api/v1/cases/{id}", "patch"),
        ("/api/v1/cases/{id}/cancel", "post"),
        ("/api/v1/cases/{id}/replan", "post"),
        ("/api/v1/cases/{id}/steps/{step}/skip", "post"),
        ("/api/v1/cases/{id}/reask", "post"),
        ("/api/v1/cases/{id}/tokens", "post"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is documented"
        );
    }
    for schema in [
        "TicketBody",
        "TicketPatchBody",
        "CaseBody",
        "StepBody",
        "ErrorBody",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema}"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
}

#[tokio::test]
async fn metrics_count_cases_by_state_in_prometheus_text() {
    let (_dir, apps) = apps().await;
    for app in apps {
        for n in 0..3 {
            let body = ticket(&format!("HR-{n}"), &format!("user{n}")).to_string();
            app.api("POST", "/api/v1/cases", Some(&body)).await;
        }
        let reply = app.api_as(None, "GET", "/metrics", None).await;
        assert_eq!(reply.status, StatusCode::OK);
        for line in [
            "leaver_cases{state=\"planning\"} 3",
            "leaver_cases{state=\"completed\"} 0",
            "# TYPE leaver_hub_calls_total counter",
            "leaver_hub_rate_limited_total 0",
            "leaver_email_outbox_depth 0",
        ] {
            assert!(
                reply.body.lines().any(|l| l == line),
                "{line} in\n{}",
                reply.body
            );
        }
    }
}
