//! Signed HR webhooks (issue 15) over real HTTP, on SQLite and Postgres: a good signature opens
//! a case; a bad signature, a stale timestamp, a missing header, a replayed event id and an
//! unknown or revoked source are refused (401/401/401/409/404/404) and change nothing; a
//! termination_changed patches the case and a rehired cancels it before any Hub write; bad
//! bodies are named; every call is noted for the settings page, which shows no secret. The
//! signatures here are computed with an HMAC written out from SHA-256, not with Leaver's code.

use crate::support::{Reply, TestApp, apps};
use leaver_app::hooks::{Channel, InboundCall};
use leaver_app::model::Actor;
use leaver_core::{CaseId, CaseState};
use leaver_store::{InboundCalls, Store, scratch};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const SOURCE: &str = "bamboohr";

/// HMAC-SHA256 (RFC 2104), written out.
fn hmac_sha256(key: &[u8], message: &[u8]) -> String {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    hex::encode(outer)
}

/// The header a sender computes for `body` at `t`.
fn signature(secret: &str, t: i64, body: &str) -> String {
    let v1 = hmac_sha256(secret.as_bytes(), format!("{t}.{body}").as_bytes());
    format!("t={t},v1={v1}")
}

fn event(id: &str, kind: &str, data: Value) -> String {
    json!({"id": id, "type": kind, "data": data}).to_string()
}

fn terminated(id: &str, external_id: &str, user: &str) -> String {
    let data = crate::support::ticket(external_id, user);
    event(id, "terminated", data)
}

/// POSTs `body` to `source`'s hook URL with `header` as `Leaver-Signature` (none: no header).
async fn deliver(app: &TestApp, source: &str, header: Option<&str>, body: &str) -> Reply {
    let mut request = app
        .http
        .post(format!("{}/api/v1/hooks/{source}", app.url))
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_owned());
    if let Some(header) = header {
        request = request.header("Leaver-Signature", header);
    }
    let response = request.send().await.expect("request");
    Reply {
        status: response.status(),
        location: None,
        set_cookies: Vec::new(),
        body: response.text().await.expect("body"),
    }
}

/// Signed now with `secret`, delivered to [`SOURCE`].
async fn signed(app: &TestApp, secret: &str, body: &str) -> Reply {
    let t = app.now().unix_timestamp();
    deliver(app, SOURCE, Some(&signature(secret, t, body)), body).await
}

async fn source(app: &TestApp) -> String {
    app.app
        .create_hook_source(SOURCE, &Actor::cli())
        .await
        .expect("hook source")
}

/// The id of the case a delivery opened (a 201).
fn opened(reply: &Reply) -> CaseId {
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let id = reply.json()["id"].as_str().expect("id").parse();
    id.expect("case id")
}

/// What the refusals must leave alone.
async fn footprint(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        app.count("offboarding_case").await,
        app.count("audit_event").await,
        app.count("job").await,
        app.count("hook_event").await,
    )
}

async fn calls(app: &TestApp, name: &str) -> Vec<InboundCall> {
    app.store
        .recent_inbound_calls(Channel::Hook, name, 50)
        .await
        .expect("calls")
}

#[tokio::test]
async fn a_good_signature_opens_a_case_and_every_refusal_changes_nothing() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let secret = source(&app).await;
        assert!(secret.len() >= 64, "a long random secret");
        let stored: Vec<String> = sqlx::query_scalar("SELECT sealed_secret FROM hook_source")
            .fetch_all(app.store.pool())
            .await
            .expect("rows");
        assert!(!stored[0].contains(&secret), "the secret is sealed");

        let body = terminated("evt_1", "HR-1", "bob");
        let id = opened(&signed(&app, &secret, &body).await);
        let case = app.store.case(id).await.expect("case");
        assert_eq!(case.external_id.to_string(), "HR-1");
        let trail = app.store.audit_events(Some(id)).await.expect("trail");
        assert_eq!(trail[0].kind, "case_opened");
        assert_eq!(trail[0].actor, "hook:bamboohr");

        let before = footprint(&app).await;
        let now = app.now().unix_timestamp();
        let fresh = terminated("evt_2", "HR-2", "alice");
        let refusals = [
            (
                "a wrong secret",
                deliver(
                    &app,
                    SOURCE,
                    Some(&signature("not-the-secret", now, &fresh)),
                    &fresh,
                )
                .await,
                StatusCode::UNAUTHORIZED,
            ),
            (
                "a body changed after signing",
                deliver(&app, SOURCE, Some(&signature(&secret, now, &body)), &fresh).await,
                StatusCode::UNAUTHORIZED,
            ),
            (
                "a timestamp six minutes old",
                deliver(
                    &app,
                    SOURCE,
                    Some(&signature(&secret, now - 360, &fresh)),
                    &fresh,
                )
                .await,
                StatusCode::UNAUTHORIZED,
            ),
            (
                "a timestamp six minutes ahead",
                deliver(
                    &app,
                    SOURCE,
                    Some(&signature(&secret, now + 360, &fresh)),
                    &fresh,
                )
                .await,
                StatusCode::UNAUTHORIZED,
            ),
            (
                "no signature",
                deliver(&app, SOURCE, None, &fresh).await,
                StatusCode::UNAUTHORIZED,
            ),
            (
                "a malformed signature",
                deliver(&app, SOURCE, Some("sha256=abc"), &fresh).await,
                StatusCode::UNAUTHORIZED,
            ),
            (
                "a replayed event id",
                signed(&app, &secret, &body).await,
                StatusCode::CONFLICT,
            ),
            (
                "an unknown source",
                deliver(
                    &app,
                    "workday",
                    Some(&signature(&secret, now, &fresh)),
                    &fresh,
                )
                .await,
                StatusCode::NOT_FOUND,
            ),
        ];
        for (what, reply, status) in &refusals {
            assert_eq!(reply.status, *status, "{what}: {}", reply.body);
            assert!(reply.json()["error"].is_string(), "{what}: {}", reply.body);
            assert!(!reply.body.contains(&secret), "{what}");
        }
        // 360 s, or 361 when a second turned between signing and checking.
        assert!(
            ["360s behind", "361s behind"]
                .iter()
                .any(|behind| refusals[2].1.body.contains(behind)),
            "{}",
            refusals[2].1.body
        );
        assert!(
            refusals[6].1.body.contains("evt_1"),
            "{}",
            refusals[6].1.body
        );
        assert_eq!(
            footprint(&app).await,
            before,
            "the refusals changed nothing"
        );

        // A revoked source is refused as an unknown one, and its secret no longer opens.
        app.app
            .revoke_hook_source(SOURCE, &Actor::cli())
            .await
            .expect("revoke");
        let revoked = signed(&app, &secret, &fresh).await;
        assert_eq!(revoked.status, StatusCode::NOT_FOUND, "{}", revoked.body);
        assert_eq!(app.count("offboarding_case").await, before.0);

        // Every call was noted, newest first, with no secret and no body.
        let noted = calls(&app, SOURCE).await;
        let statuses: Vec<u16> = noted.iter().map(|c| c.status).collect();
        assert_eq!(statuses, [409, 401, 401, 401, 401, 401, 401, 201]);
        assert!(
            noted[7].outcome.contains("terminated evt_1: case"),
            "{:?}",
            noted[7]
        );
        assert!(noted[1].outcome.contains("t is missing"), "{:?}", noted[1]);
        assert!(
            noted[2].outcome.contains("no Leaver-Signature"),
            "{:?}",
            noted[2]
        );
        assert!(noted.iter().all(|c| !c.outcome.contains(&secret)
            && !c.outcome.contains("bob@acme.test")
            && c.path == "/api/v1/hooks/bamboohr"
            && c.method == "POST"));
        let unknown = calls(&app, "*").await;
        assert_eq!(unknown.len(), 2, "workday, and bamboohr once revoked");
        assert!(
            unknown[1].outcome.contains("\"workday\""),
            "{:?}",
            unknown[1]
        );
    }
}

#[tokio::test]
async fn termination_changed_patches_the_case_and_rehired_cancels_it_before_any_write() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let secret = source(&app).await;
        let id = opened(&signed(&app, &secret, &terminated("evt_1", "HR-7", "bob")).await);

        let change = event(
            "evt_2",
            "termination_changed",
            json!({"external_id": "HR-7", "reason": "end of contract", "effective_at": "2031-01-15"}),
        );
        let changed = signed(&app, &secret, &change).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        let case = app.store.case(id).await.expect("case");
        assert_eq!(case.reason.as_deref(), Some("end of contract"));
        assert!(case.effective_at.is_some());
        let trail = app.store.audit_events(Some(id)).await.expect("trail");
        let update = trail
            .iter()
            .find(|r| r.kind == "ticket_updated")
            .expect("audited");
        assert_eq!(update.actor, "hook:bamboohr");

        let rehired = event("evt_3", "rehired", json!({"external_id": "HR-7"}));
        let cancelled = signed(&app, &secret, &rehired).await;
        assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
        assert_eq!(cancelled.json()["state"], "cancelled");
        let case = app.store.case(id).await.expect("case");
        assert_eq!(case.state, CaseState::Cancelled);
        let trail = app.store.audit_events(Some(id)).await.expect("trail");
        let last = trail.last().expect("records");
        assert_eq!(last.actor, "hook:bamboohr");
        assert!(last.data.to_string().contains("rehired"), "{:?}", last.data);

        // The same rehired again is a replay; another one for a closed case is a conflict.
        let again = signed(&app, &secret, &rehired).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        let other = event("evt_4", "rehired", json!({"external_id": "HR-7"}));
        let closed = signed(&app, &secret, &other).await;
        assert_eq!(closed.status, StatusCode::CONFLICT, "{}", closed.body);
        assert!(closed.body.contains("cancelled"), "{}", closed.body);
    }
}

#[tokio::test]
async fn bad_bodies_are_named_and_change_nothing_and_their_event_ids_stay_usable() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let secret = source(&app).await;
        let before = footprint(&app).await;
        let field_names = |reply: &Reply| -> Vec<String> {
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                reply.body
            );
            reply.json()["fields"]
                .as_array()
                .expect("fields")
                .iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        };

        let not_json = signed(&app, &secret, "{\"id\":").await;
        assert_eq!(
            not_json.status,
            StatusCode::BAD_REQUEST,
            "{}",
            not_json.body
        );
        let envelope = signed(&app, &secret, r#"{"id":"evt_1","type":"fired","data":[]}"#).await;
        assert_eq!(field_names(&envelope), ["type", "data"]);
        let mut ticket = crate::support::ticket("HR-9", "bob");
        ticket["person"]["email"] = json!("not-an-email");
        ticket["manager_email"] = json!("nobody");
        let bad_ticket = signed(&app, &secret, &event("evt_1", "terminated", ticket)).await;
        let mut names = field_names(&bad_ticket);
        names.sort();
        assert_eq!(names, ["manager_email", "person.email"]);
        let mut typed = crate::support::ticket("HR-9", "bob");
        typed["manager_email"] = json!(7);
        let not_text = signed(&app, &secret, &event("evt_1", "terminated", typed)).await;
        assert_eq!(field_names(&not_text), ["manager_email"]);
        let no_case = event(
            "evt_2",
            "termination_changed",
            json!({"external_id": "HR-404", "reason": "x"}),
        );
        assert_eq!(
            field_names(&signed(&app, &secret, &no_case).await),
            ["external_id"]
        );
        let unchangeable = event(
            "evt_2",
            "termination_changed",
            json!({"external_id": "HR-9", "person": {"email": "x@acme.test"}}),
        );
        assert_eq!(
            field_names(&signed(&app, &secret, &unchangeable).await),
            ["person.email"]
        );
        let no_ticket = event("evt_3", "rehired", json!({}));
        assert_eq!(
            field_names(&signed(&app, &secret, &no_ticket).await),
            ["external_id"]
        );
        let huge = format!("{{\"id\":\"evt_5\",\"pad\":\"{}\"}}", "x".repeat(70 * 1024));
        let too_large = signed(&app, &secret, &huge).await;
        assert_eq!(
            too_large.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}",
            too_large.body
        );
        assert_eq!(footprint(&app).await, before, "bad bodies changed nothing");

        // An event refused for its content may be sent again, corrected, under the same id.
        let good = signed(&app, &secret, &terminated("evt_1", "HR-9", "bob")).await;
        assert_eq!(good.status, StatusCode::CREATED, "{}", good.body);
        assert_eq!(app.count("hook_event").await, before.3 + 1);
    }
}

#[tokio::test]
async fn the_settings_page_lists_sources_and_their_last_calls_without_secrets() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let secret = source(&app).await;
        opened(&signed(&app, &secret, &terminated("evt_1", "HR-1", "bob")).await);
        let stale = signature(&secret, app.now().unix_timestamp() - 900, "{}");
        deliver(&app, SOURCE, Some(&stale), "{}").await;
        deliver(&app, "workday", Some(&stale), "{}").await;

        let session = app.login().await;
        let page = app.get("/settings", Some(&session)).await;
        assert_eq!(page.status, StatusCode::OK);
        let hooks = &page.body[page
            .body
            .find("id=\"hook-sources\"")
            .expect("the hooks section")..];
        assert!(hooks.contains("bamboohr"), "{hooks}");
        assert!(hooks.contains("/api/v1/hooks/bamboohr"));
        assert!(hooks.contains("401") && hooks.contains("201"), "{hooks}");
        assert!(hooks.contains("terminated evt_1: case"), "{hooks}");
        let unknown = &hooks[hooks
            .find("Calls to no known source")
            .expect("unknown calls")..];
        assert!(
            unknown.contains("404") && unknown.contains("workday"),
            "{unknown}"
        );
        assert!(!page.body.contains(&secret), "no secret on the page");
    }
}

#[tokio::test]
async fn rehired_after_a_hub_write_is_refused_and_the_operators_are_told() {
    use crate::tokens_truth::{MANAGER, approve_all, token_apps};
    let (_dir, apps) = token_apps(false).await;
    for app in apps {
        let secret = source(&app).await;
        let data = json!({"external_id": "HR-5", "run_now": true, "manager_email": MANAGER,
            "person": {"email": "bob@acme.test", "hub_username": "bob"}});
        let id = opened(&signed(&app, &secret, &event("evt_1", "terminated", data)).await);
        app.run_pending_jobs().await;
        approve_all(&app).await;
        let done = app.run_until(id, |s| s == CaseState::Completed).await;
        assert!(done.first_write().is_some(), "bob's access was taken");

        let notices = app.count("operator_notice").await;
        let rehired = event("evt_2", "rehired", json!({"external_id": "HR-5"}));
        let refused = signed(&app, &secret, &rehired).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
        assert!(
            refused.body.contains("operators were told"),
            "{}",
            refused.body
        );
        assert_eq!(app.count("operator_notice").await, notices + 1);
        let trail = app.store.audit_events(Some(id)).await.expect("trail");
        let last = trail.last().expect("records");
        assert_eq!(
            (last.kind.as_str(), last.actor.as_str()),
            ("rehired_after_hub_write", "hook:bamboohr")
        );
        assert_eq!(
            app.store.case(id).await.expect("case").state,
            CaseState::Completed
        );

        let again = signed(&app, &secret, &rehired).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        assert!(again.body.contains("accepted before"), "{}", again.body);
        assert_eq!(app.count("operator_notice").await, notices + 1, "told once");
    }
}

/// Delivers `body` while the database refuses every new audit record (and every deletion of a
/// claimed event id, as a crash would leave nothing given back): the delivery fails (500).
async fn delivered_while_writes_fail(app: &TestApp, secret: &str, body: &str) {
    const REFUSED: [(&str, &str); 2] = [("INSERT", "audit_event"), ("DELETE", "hook_event")];
    for (op, table) in REFUSED {
        scratch::refuse(&app.store, op, table)
            .await
            .expect("refused");
    }
    let failed = signed(app, secret, body).await;
    for (op, table) in REFUSED {
        scratch::allow(&app.store, op, table)
            .await
            .expect("allowed");
    }
    assert_eq!(
        failed.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        failed.body
    );
}

/// The records of `kind` about case `id`.
async fn records(app: &TestApp, id: CaseId, kind: &str) -> usize {
    let trail = app.store.audit_events(Some(id)).await.expect("trail");
    trail.iter().filter(|r| r.kind == kind).count()
}

/// The event id is claimed in the transaction of its action's write: when the database refuses
/// that write (and could not give a claim back either), neither stands, the sender's retry of
/// the same event acts, and a third delivery is a replay. Each event is applied exactly once.
#[tokio::test]
async fn an_event_retried_after_a_failed_write_is_applied_exactly_once() {
    let (_dir, apps) = apps().await;
    for app in apps {
        let secret = source(&app).await;
        let open = terminated("evt_1", "HR-7", "bob");

        delivered_while_writes_fail(&app, &secret, &open).await;
        assert_eq!(app.count("offboarding_case").await, 0);
        assert_eq!(
            app.count("hook_event").await,
            0,
            "no claim without its action"
        );

        let id = opened(&signed(&app, &secret, &open).await);
        let replay = signed(&app, &secret, &open).await;
        assert_eq!(replay.status, StatusCode::CONFLICT, "{}", replay.body);
        assert_eq!(app.count("offboarding_case").await, 1);
        assert_eq!(records(&app, id, "case_opened").await, 1);

        let change = event(
            "evt_2",
            "termination_changed",
            json!({"external_id": "HR-7", "reason": "end of contract"}),
        );
        delivered_while_writes_fail(&app, &secret, &change).await;
        let unchanged = app.store.case(id).await.expect("case").reason;
        assert_eq!(
            unchanged.as_deref(),
            Some("resignation"),
            "the change did not stand"
        );
        assert_eq!(app.count("hook_event").await, 1, "evt_2 is not claimed");

        let changed = signed(&app, &secret, &change).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        let replay = signed(&app, &secret, &change).await;
        assert_eq!(replay.status, StatusCode::CONFLICT, "{}", replay.body);
        let case = app.store.case(id).await.expect("case");
        assert_eq!(case.reason.as_deref(), Some("end of contract"));
        assert_eq!(records(&app, id, "ticket_updated").await, 1);
        assert_eq!(app.count("hook_event").await, 2);
    }
}
