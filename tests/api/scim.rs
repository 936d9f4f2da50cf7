//! Leaver as a SCIM 2.0 service provider (issue 15), over real HTTP with hubsim and an SMTP
//! sink on loopback, on SQLite and Postgres: Okta's and Entra's request sequences (kept as
//! recorded in tests/api/scim/*.json) deactivating a user open a case with the mapped Hub
//! username and manager, the manager approves by email and the case completes against hubsim;
//! a reactivation before any write cancels; bad input is a SCIM 400 naming the attribute and
//! writes nothing; scim and api keys open one door each; scim2-tester (PyPI) passes.

use crate::support::{Reply, TestApp, approve_emailed_links, apps_with};
use leaver_app::accounts::KeyScope;
use leaver_core::{CaseId, CaseState};
use leaver_store::Store;
use leaver_testkit::Options;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;

pub(crate) const MANAGER: &str = "carol@acme.test";

/// acme-ai (team) with bob and frank; acme-plus (Enterprise Plus, managed SSO) with dave, whose
/// Hub username (`dave-hf`) only the Hub's SCIM users tell from his address.
fn world() -> Value {
    let user = |name: &str, email: &str| json!({"username": name, "email": email});
    json!({
        "users": [user("leaver-bot", "bot@acme.test"), user("carol", MANAGER),
                  user("bob", "bob@acme.test"), user("dave-hf", "dave@acme.test"),
                  user("frank", "frank@acme.test")],
        "tokens": [{"user": "leaver-bot", "value": leaver_testkit::HUB_TOKEN}],
        "orgs": [
            {"name": "acme-ai", "plan": "team", "scim": "none", "members": [
                {"user": "leaver-bot", "role": "admin"}, {"user": "carol", "role": "admin"},
                {"user": "bob", "role": "write"}, {"user": "frank", "role": "write"}]},
            {"name": "acme-plus", "plan": "plus", "scim": "managed", "members": [
                {"user": "leaver-bot", "role": "admin"}, {"user": "carol", "role": "admin"},
                {"user": "dave-hf", "role": "write"}]}
        ]
    })
}

async fn scim_apps() -> (tempfile::TempDir, Vec<(TestApp, String)>) {
    scim_apps_with(Options::default()).await
}

/// [`scim_apps`] with `options` besides (a manual clock...).
pub(crate) async fn scim_apps_with(
    options: Options,
) -> (tempfile::TempDir, Vec<(TestApp, String)>) {
    let options = options
        .world(world())
        .smtp_sink()
        .settings(|s| s.orgs = vec!["acme-ai".into(), "acme-plus".into()]);
    let (dir, apps) = apps_with(options).await;
    let mut out = Vec::new();
    for app in apps {
        let key = app
            .app
            .create_scoped_api_key("okta", KeyScope::Scim)
            .await
            .expect("scim key");
        out.push((app, key));
    }
    (dir, out)
}

/// A SCIM call with `key`, the body sent as `application/scim+json`.
pub(crate) async fn scim(
    app: &TestApp,
    key: Option<&str>,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Reply {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = app.http.request(method, format!("{}{path}", app.url));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/scim+json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response.text().await.expect("body");
    if !body.is_empty() {
        assert_eq!(
            content_type,
            "application/scim+json",
            "{method_path}",
            method_path = path
        );
    }
    Reply {
        status,
        location: None,
        set_cookies: Vec::new(),
        body,
    }
}

/// Plays a recorded sequence: each step's `{{name}}` replaced by ids saved from earlier answers.
async fn play(app: &TestApp, key: &str, recorded: &str) -> HashMap<String, String> {
    let steps: Vec<Value> = serde_json::from_str(recorded).expect("fixture");
    let mut saved: HashMap<String, String> = HashMap::new();
    for step in steps {
        let fill = |text: String| {
            saved.iter().fold(text, |t, (name, id)| {
                t.replace(&format!("{{{{{name}}}}}"), id)
            })
        };
        let path = fill(step["path"].as_str().expect("path").to_owned());
        let body = step
            .get("body")
            .map(|b| serde_json::from_str::<Value>(&fill(b.to_string())).expect("body"));
        let method = step["method"].as_str().expect("method");
        let reply = scim(app, Some(key), method, &path, body.as_ref()).await;
        let expected = step["status"].as_u64().expect("status");
        assert_eq!(
            u64::from(reply.status.as_u16()),
            expected,
            "{method} {path}: {}",
            reply.body
        );
        if let Some(name) = step.get("save").and_then(Value::as_str) {
            let id = reply.json()["id"].as_str().expect("an id").to_owned();
            saved.insert(name.to_owned(), id);
        }
    }
    saved
}

pub(crate) async fn case_of(app: &TestApp, scim_id: &str) -> leaver_core::Case {
    let external = leaver_app::scim::external_id_of(scim_id);
    let cases = app
        .app
        .list_cases(&Default::default())
        .await
        .expect("cases");
    cases
        .into_iter()
        .find(|c| c.external_id.as_str() == external)
        .unwrap_or_else(|| panic!("no case for {external}"))
}

pub(crate) async fn members(app: &TestApp, org: &str) -> Vec<String> {
    let state: Value = app
        .http
        .get(format!("{}/_sim/state", app.hub_url))
        .send()
        .await
        .expect("state")
        .json()
        .await
        .expect("json");
    state["orgs"]
        .as_array()
        .expect("orgs")
        .iter()
        .find(|o| o["name"] == org)
        .map(|o| {
            o["members"]
                .as_array()
                .expect("members")
                .iter()
                .filter(|m| m["role"] != "no_access")
                .filter_map(|m| m["user"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) async fn completes(app: &TestApp, id: CaseId) {
    let planned = app.run_until(id, |s| s != CaseState::Planning).await;
    assert_eq!(
        planned.state,
        CaseState::AwaitingApproval,
        "{:#?}",
        planned.steps
    );
    approve_emailed_links(app, MANAGER).await;
    let done = app
        .run_until(id, |s| s.is_closed() || s == CaseState::NeedsAttention)
        .await;
    assert_eq!(done.state, CaseState::Completed, "{:#?}", done.steps);
}

#[tokio::test]
async fn an_okta_deactivation_opens_a_case_that_the_manager_approves_and_that_completes() {
    let (_dir, apps) = scim_apps().await;
    for (app, key) in apps {
        let ids = play(&app, &key, include_str!("scim/okta_deactivate.json")).await;
        let case = case_of(&app, &ids["bob_id"]).await;
        assert_eq!(case.person.hub_username_text(), "bob");
        assert_eq!(
            case.manager_email.to_string(),
            MANAGER,
            "the manager by Okta's externalId"
        );
        assert_eq!(case.person.name.as_deref(), Some("Bob Baker"));
        assert_eq!(
            app.count("offboarding_case").await,
            1,
            "the repeated PATCH opened nothing new"
        );
        let trail = app.app.case_with_trail(case.id).await.expect("trail").1;
        assert_eq!(trail[0].actor, "scim:okta");
        completes(&app, case.id).await;
        assert!(!members(&app, "acme-ai").await.contains(&"bob".to_owned()));

        // Okta reactivates bob after Leaver removed him: the operators are told.
        let notices = app.count("operator_notice").await;
        let back = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": true}}]});
        let path = format!("/scim/v2/Users/{}", ids["bob_id"]);
        let reply = scim(&app, Some(&key), "PATCH", &path, Some(&back)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(app.count("operator_notice").await, notices + 1);
        let trail = app.app.case_with_trail(case.id).await.expect("trail").1;
        let last = trail.last().expect("a record");
        assert_eq!(
            (last.kind.as_str(), last.actor.as_str()),
            ("scim_reactivated_after_write", "scim:okta")
        );
        assert_eq!(
            app.app.case(case.id).await.expect("case").state,
            CaseState::Completed
        );

        // The settings page shows the endpoint, the key (never the key itself) and its calls.
        let session = app.login().await;
        let page = app.get("/settings", Some(&session)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains(&format!("{}/scim/v2", app.url)),
            "the endpoint URL"
        );
        assert!(page.body.contains("id=\"scim-keys\""));
        assert!(
            page.body.contains(&format!("PATCH <code>{path}</code>")),
            "the last calls"
        );
        assert!(!page.body.contains(&key), "never the key");
    }
}

#[tokio::test]
async fn an_entra_disable_opens_a_case_with_the_hub_username_the_hub_knows_by_email() {
    let (_dir, apps) = scim_apps().await;
    for (app, key) in apps {
        let ids = play(&app, &key, include_str!("scim/entra_deactivate.json")).await;
        let case = case_of(&app, &ids["dave_id"]).await;
        assert_eq!(
            case.person.hub_username_text(),
            "dave-hf",
            "from acme-plus's SCIM users"
        );
        assert_eq!(
            case.manager_email.to_string(),
            MANAGER,
            "the manager by SCIM id"
        );
        assert_eq!(case.person.email.to_string(), "dave@acme.test");
        completes(&app, case.id).await;
        assert!(
            !members(&app, "acme-plus")
                .await
                .contains(&"dave-hf".to_owned())
        );
    }
}

#[tokio::test]
async fn a_reactivation_before_any_hub_write_cancels_the_case() {
    let (_dir, apps) = scim_apps().await;
    for (app, key) in apps {
        let ids = play(&app, &key, include_str!("scim/put_reactivate.json")).await;
        let frank = &ids["frank_id"];
        let case = case_of(&app, frank).await;
        assert_eq!(case.person.hub_username_text(), "frank");
        let back = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "Replace", "path": "active", "value": "True"}]});
        let reply = scim(
            &app,
            Some(&key),
            "PATCH",
            &format!("/scim/v2/Users/{frank}"),
            Some(&back),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.json()["active"], true);
        let cancelled = app.app.case(case.id).await.expect("case");
        assert_eq!(cancelled.state, CaseState::Cancelled);
        let trail = app.app.case_with_trail(case.id).await.expect("trail").1;
        let last = trail.last().expect("a record");
        assert_eq!(last.actor, "scim:okta");
        assert!(
            last.data
                .to_string()
                .contains(leaver_app::scim::REACTIVATED_REASON),
            "{:?}",
            last.data
        );
        app.run_pending_jobs().await;
        assert!(
            members(&app, "acme-ai").await.contains(&"frank".to_owned()),
            "frank kept his access"
        );
    }
}

#[tokio::test]
async fn bad_input_is_a_scim_400_naming_the_attribute_and_writes_nothing() {
    let (_dir, apps) = scim_apps().await;
    for (app, key) in apps {
        let good = json!({"userName": "gina@acme.test", "active": true});
        let created = scim(&app, Some(&key), "POST", "/scim/v2/Users", Some(&good)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id = created.json()["id"].as_str().expect("id").to_owned();
        let before = app.count("scim_user").await;
        let audit_before = app.count("audit_event").await;
        let user_path = format!("/scim/v2/Users/{id}");
        let long = |n: usize| "é".repeat(n);
        let cases: [(&str, &str, Value, &str, &str); 9] = [
            (
                "POST",
                "/scim/v2/Users",
                json!({"active": true}),
                "invalidValue",
                "userName",
            ),
            (
                "POST",
                "/scim/v2/Users",
                json!({"userName": "x", "emails": "x@y"}),
                "invalidValue",
                "emails",
            ),
            (
                "PATCH",
                &user_path,
                json!({"Operations": [{"op": "Replace", "path": "active", "value": "maybe"}]}),
                "invalidValue",
                "active",
            ),
            (
                "PATCH",
                &user_path,
                json!({"Operations": [{"op": "explode", "path": "active"}]}),
                "invalidSyntax",
                "op",
            ),
            (
                "PATCH",
                &user_path,
                json!({"Operations": [{"op": "replace", "path": "emails[type eq", "value": "x"}]}),
                "invalidPath",
                "path",
            ),
            (
                "PUT",
                &user_path,
                json!({"userName": "", "active": false}),
                "invalidValue",
                "userName",
            ),
            // Each attribute is capped (leaver_scim::limits), not only the 2 MB body.
            (
                "POST",
                "/scim/v2/Users",
                json!({"userName": long(257)}),
                "invalidValue",
                "userName",
            ),
            (
                "PUT",
                &user_path,
                json!({"userName": "gina@acme.test", "name": {"givenName": long(257)}}),
                "invalidValue",
                "name.givenName",
            ),
            (
                "PATCH",
                &user_path,
                json!({"Operations": [{"op": "replace", "path": "active", "value": false},
                    {"op": "add", "path": "urn:ietf:params:scim:schemas:extension:leaver:2.0:User:hubUsername", "value": long(97)}]}),
                "invalidValue",
                "hubUsername",
            ),
        ];
        for (method, path, body, scim_type, attribute) in cases {
            let reply = scim(&app, Some(&key), method, path, Some(&body)).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{method} {body}: {}",
                reply.body
            );
            let error = reply.json();
            assert_eq!(
                error["schemas"][0],
                "urn:ietf:params:scim:api:messages:2.0:Error"
            );
            assert_eq!(error["status"], "400");
            assert_eq!(error["scimType"], scim_type, "{body}");
            assert!(
                error["detail"]
                    .as_str()
                    .is_some_and(|d| d.starts_with(attribute)),
                "{error}"
            );
        }
        let filter = scim(
            &app,
            Some(&key),
            "GET",
            "/scim/v2/Users?filter=userName%20zz%20%22x%22",
            None,
        )
        .await;
        assert_eq!(filter.status, StatusCode::BAD_REQUEST);
        assert_eq!(filter.json()["scimType"], "invalidFilter");
        let garbage = app
            .http
            .post(format!("{}/scim/v2/Users", app.url))
            .bearer_auth(&key)
            .body("{not json")
            .send()
            .await
            .expect("request");
        assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
        let dup = scim(
            &app,
            Some(&key),
            "POST",
            "/scim/v2/Users",
            Some(&json!({"userName": "GINA@acme.test"})),
        )
        .await;
        assert_eq!(dup.status, StatusCode::CONFLICT);
        assert_eq!(dup.json()["scimType"], "uniqueness");
        assert_eq!(app.count("scim_user").await, before, "nothing written");
        assert_eq!(
            app.count("audit_event").await,
            audit_before,
            "nothing audited"
        );
        let shown = scim(&app, Some(&key), "GET", &user_path, None).await.json();
        assert_eq!(
            (shown["active"].clone(), shown["meta"]["version"].clone()),
            (json!(true), json!("W/\"1\""))
        );
        assert_eq!(app.count("offboarding_case").await, 0);
    }
}

#[tokio::test]
async fn scim_keys_open_only_scim_and_api_keys_only_the_api() {
    let (_dir, apps) = scim_apps().await;
    for (app, scim_key) in apps {
        let as_scim = scim(&app, Some(&scim_key), "GET", "/scim/v2/Users", None).await;
        assert_eq!(as_scim.status, StatusCode::OK, "{}", as_scim.body);
        assert_eq!(
            as_scim.json()["schemas"][0],
            "urn:ietf:params:scim:api:messages:2.0:ListResponse"
        );
        for path in [
            "/scim/v2/Users",
            "/scim/v2/ServiceProviderConfig",
            "/scim/v2/Schemas",
        ] {
            let refused = scim(&app, Some(&app.key), "GET", path, None).await;
            assert_eq!(
                refused.status,
                StatusCode::UNAUTHORIZED,
                "an api key on {path}"
            );
            assert_eq!(refused.json()["status"], "401");
            let anonymous = scim(&app, None, "GET", path, None).await;
            assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        }
        let api = app
            .api_as(Some(&scim_key), "GET", "/api/v1/cases", None)
            .await;
        assert_eq!(
            api.status,
            StatusCode::UNAUTHORIZED,
            "a scim key on /api/v1"
        );
        let api = app.api("GET", "/api/v1/cases", None).await;
        assert_eq!(api.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn users_page_by_start_index_and_count_and_filter_by_email_and_external_id() {
    let (_dir, apps) = scim_apps().await;
    for (app, key) in apps {
        for n in 0..5 {
            let user = json!({"userName": format!("u{n}@acme.test"), "externalId": format!("ext-{n}"),
                "emails": [{"value": format!("U{n}@Acme.test"), "type": "work"}]});
            let reply = scim(&app, Some(&key), "POST", "/scim/v2/Users", Some(&user)).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        }
        let page = scim(
            &app,
            Some(&key),
            "GET",
            "/scim/v2/Users?startIndex=2&count=2",
            None,
        )
        .await
        .json();
        assert_eq!(
            (
                page["totalResults"].clone(),
                page["startIndex"].clone(),
                page["itemsPerPage"].clone()
            ),
            (json!(5), json!(2), json!(2))
        );
        assert_eq!(page["Resources"][0]["userName"], "u1@acme.test");
        let by_email = scim(
            &app,
            Some(&key),
            "GET",
            "/scim/v2/Users?filter=emails.value%20eq%20%22u3%40acme.test%22",
            None,
        )
        .await
        .json();
        assert_eq!(by_email["totalResults"], 1);
        assert_eq!(by_email["Resources"][0]["externalId"], "ext-3");
        let by_external = scim(&app, Some(&key), "GET", "/scim/v2/Users?filter=externalId%20eq%20%22ext-4%22%20or%20userName%20eq%20%22u0%40acme.test%22", None).await.json();
        assert_eq!(by_external["totalResults"], 2);
        let calls = app.app.scim_keys().await.expect("keys");
        assert_eq!(calls.len(), 1);
        assert!(calls[0].calls.len() >= 8, "the calls are noted");
        assert_eq!(
            calls[0].calls[0].path,
            "/scim/v2/Users?filter=externalId%20eq%20%22ext-4%22%20or%20userName%20eq%20%22u0%40acme.test%22"
        );
    }
}

/// Creates a user the IdP names no Hub account for (and the Hub's managed-SSO users do not
/// know), with `MANAGER` as manager; its `/scim/v2/Users/{id}` path.
pub(crate) async fn nameless_user(app: &TestApp, key: &str, email: &str) -> String {
    let user = json!({"userName": email, "emails": [{"value": email, "primary": true}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": MANAGER}}});
    let created = scim(app, Some(key), "POST", "/scim/v2/Users", Some(&user)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    format!(
        "/scim/v2/Users/{}",
        created.json()["id"].as_str().expect("id")
    )
}

/// The case `path`'s deprovisioning opened: waiting for its Hub username, planned by nobody,
/// and saying so in the API; the audit trail says what the IdP and the Hub were asked.
pub(crate) async fn waits_for_its_hub_username(app: &TestApp, path: &str) -> CaseId {
    let scim_id = path.rsplit('/').next().expect("id");
    let case = case_of(app, scim_id).await;
    app.run_pending_jobs().await;
    let case = app.store.case(case.id).await.expect("case");
    assert_eq!(case.state, CaseState::NeedsAttention, "{case:#?}");
    assert_eq!(case.person.hub_username, None);
    assert!(case.steps.is_empty(), "nothing is planned for nobody");
    let shown = app
        .api("GET", &format!("/api/v1/cases/{}", case.id), None)
        .await;
    let shown = shown.json();
    assert_eq!(shown["person"]["hub_username"], Value::Null, "{shown}");
    assert!(
        shown["blocked_reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("waiting for the Hub username")),
        "{shown}"
    );
    let records = app.store.audit_events(Some(case.id)).await.expect("audit");
    let unknown = records
        .iter()
        .find(|r| r.kind == "scim_hub_username_unknown")
        .expect("why no name resolved is audited");
    assert!(
        unknown.data["asked"].to_string().contains("acme-plus"),
        "the managed org was asked: {}",
        unknown.data
    );
    case.id
}

#[tokio::test]
async fn a_deactivation_without_a_hub_username_opens_a_case_that_waits_until_the_idp_names_the_account()
 {
    let (_dir, apps) = scim_apps().await;
    for (app, key) in apps {
        let path = nameless_user(&app, &key, "zed@acme.test").await;
        let off = json!({"Operations": [{"op": "Replace", "path": "active", "value": "False"}]});
        let reply = scim(&app, Some(&key), "PATCH", &path, Some(&off)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let id = waits_for_its_hub_username(&app, &path).await;

        let name = json!({"Operations": [{"op": "Add",
            "path": "urn:ietf:params:scim:schemas:extension:leaver:2.0:User:hubUsername", "value": "frank"}]});
        let reply = scim(&app, Some(&key), "PATCH", &path, Some(&name)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(app.count("offboarding_case").await, 1, "the same case");
        let case = app.store.case(id).await.expect("case");
        assert_eq!(case.person.hub_username_text(), "frank");
        let records = app.store.audit_events(Some(id)).await.expect("audit");
        let set = records
            .iter()
            .find(|r| r.kind == "ticket_updated")
            .expect("the name set is audited");
        assert_eq!(set.actor, "scim:okta", "{set:?}");
        completes(&app, id).await;
        assert!(!members(&app, "acme-ai").await.contains(&"frank".to_owned()));
    }
}

#[tokio::test]
async fn an_operator_names_the_account_of_a_waiting_case_through_the_case_patch_and_it_completes() {
    let (_dir, apps) = scim_apps().await;
    for (app, key) in apps {
        let path = nameless_user(&app, &key, "yan@acme.test").await;
        let reply = scim(&app, Some(&key), "DELETE", &path, None).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.body);
        let id = waits_for_its_hub_username(&app, &path).await;
        let case_path = format!("/api/v1/cases/{id}");

        let bad = app
            .api(
                "PATCH",
                &case_path,
                Some(r#"{"person": {"hub_username": "-bob"}}"#),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.body.contains("person.hub_username"), "{}", bad.body);
        let cleared = app
            .api(
                "PATCH",
                &case_path,
                Some(r#"{"person": {"hub_username": null}}"#),
            )
            .await;
        assert_eq!(
            cleared.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            cleared.body
        );
        let case = app.store.case(id).await.expect("case");
        assert_eq!(case.person.hub_username, None, "nothing changed");

        let set = app
            .api(
                "PATCH",
                &case_path,
                Some(r#"{"person": {"hub_username": "bob"}}"#),
            )
            .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.body);
        assert_eq!(set.json()["person"]["hub_username"], "bob");
        assert_eq!(set.json()["blocked_reason"], Value::Null);
        let again = app
            .api(
                "PATCH",
                &case_path,
                Some(r#"{"person": {"hub_username": "frank"}}"#),
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            again.body
        );
        assert!(again.body.contains("cannot be changed"), "{}", again.body);
        let records = app.store.audit_events(Some(id)).await.expect("audit");
        let updated: Vec<_> = records
            .iter()
            .filter(|r| r.kind == "ticket_updated")
            .collect();
        assert_eq!(updated.len(), 1, "one change, audited");
        assert!(
            updated[0].data.to_string().contains("person.hub_username"),
            "{}",
            updated[0].data
        );
        completes(&app, id).await;
        assert!(!members(&app, "acme-ai").await.contains(&"bob".to_owned()));
    }
}
