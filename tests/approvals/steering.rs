//! Steering cases after the ticket, through the REST API, with the engine, SMTP and hubsim for
//! real: a successor named for a blocked last admin, a last day moved closer, a new manager
//! taking over the approval links, and a rejected step skipped while the rest is asked again.

use crate::support::{MANAGER, Options, TestApp, apps};
use leaver_app::evidence::Scope;
use leaver_app::evidence::render::Format;
use leaver_core::{CaseId, CaseState, StepKind, StepState};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use time::format_description::well_known::Rfc3339;

/// `PATCH /api/v1/cases/{case}` with `body`, as the `hr` key: the status and the JSON answer.
async fn patch(app: &TestApp, key: &str, case: CaseId, body: Value) -> (StatusCode, Value) {
    let reply = app
        .http
        .patch(format!("{}/api/v1/cases/{case}", app.url))
        .bearer_auth(key)
        .header("content-type", "application/merge-patch+json")
        .body(body.to_string())
        .send()
        .await
        .expect("PATCH");
    let status = reply.status();
    (status, reply.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, key: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let reply = app
        .http
        .post(format!("{}{path}", app.url))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .expect("POST");
    let status = reply.status();
    (status, reply.json().await.unwrap_or(Value::Null))
}

fn fields(answer: &Value) -> Vec<String> {
    answer["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn sim(app: &TestApp, path: &str) -> Value {
    app.http
        .get(format!("{}/_sim/{path}", app.hub_url))
        .send()
        .await
        .expect("sim")
        .json()
        .await
        .expect("json")
}

async fn role_of(app: &TestApp, user: &str) -> Option<String> {
    let state = sim(app, "state").await;
    state["orgs"][0]["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["user"] == user)
        .map(|m| m["role"].as_str().unwrap_or("").to_owned())
}

/// The world where bob is acme-ai's only human admin (dave writes).
fn bob_last_admin() -> Value {
    let mut world = crate::support::world();
    for member in world["orgs"][0]["members"].as_array_mut().expect("members") {
        match member["user"].as_str() {
            Some("bob") => member["role"] = json!("admin"),
            Some("dave") => member["role"] = json!("write"),
            _ => {}
        }
    }
    world
}

#[tokio::test]
async fn a_successor_patched_into_a_blocked_case_is_promoted_before_the_leaver_is_demoted() {
    let (_dir, apps) = apps(Options {
        world: Some(bob_last_admin()),
        ..Options::default()
    })
    .await;
    for app in &apps {
        let backend = app.backend;
        let key = app.app.create_api_key("hr").await.expect("key");
        let case = app.open("HR-1", "bob").await;
        app.deliver().await;
        let blocked = app.case(case).await;
        assert_eq!(blocked.state, CaseState::NeedsAttention, "{backend:?}");
        assert!(
            blocked
                .blocked_reason
                .as_deref()
                .is_some_and(|r| r.contains("name a successor")),
            "{:?}",
            blocked.blocked_reason
        );

        // Bad values are named and change nothing.
        let (status, answer) = patch(
            app,
            &key,
            case,
            json!({"successor": "bob", "effective_at": "tomorrow", "colour": "red"}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(fields(&answer), ["body", "effective_at", "successor"]);
        assert_eq!(
            app.case(case).await,
            blocked,
            "{backend:?}: nothing changed"
        );

        let (status, answer) = patch(app, &key, case, json!({"successor": "dave"})).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["successor"], "dave");
        app.deliver().await;
        let asked = app.case(case).await;
        assert_eq!(asked.state, CaseState::AwaitingApproval, "{backend:?}");
        assert!(
            asked
                .steps
                .iter()
                .any(|s| s.kind == StepKind::ReassignLastAdmin),
            "the new plan promotes dave"
        );
        let link = app.link_for(MANAGER, "bob");
        app.press(&link, "approve", "").await;
        let done = app.run_until(case, CaseState::is_closed).await;
        assert_eq!(done.state, CaseState::Completed, "{:#?}", done.steps);
        assert_eq!(role_of(app, "dave").await.as_deref(), Some("admin"));
        assert_eq!(role_of(app, "bob").await, None, "bob was removed");

        // The Hub saw dave promoted before bob's role was touched.
        let calls = sim(app, "calls?detail=1").await;
        let writes: Vec<&str> = calls["writes"]
            .as_array()
            .expect("writes")
            .iter()
            .filter(|w| w["applied"] == true)
            .filter_map(|w| w["path"].as_str())
            .collect();
        let at = |needle: &str| {
            writes
                .iter()
                .position(|p| p.contains(needle))
                .unwrap_or_else(|| panic!("no write on {needle}: {writes:?}"))
        };
        assert!(at("/members/dave") < at("/members/bob"), "{writes:?}");
        assert_eq!(app.audited(case, "ticket_updated").await, 1);
    }
}

#[tokio::test]
async fn a_last_day_moved_closer_runs_the_steps_then_and_not_before() {
    let (_dir, apps) = apps(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await;
    for app in &apps {
        let key = app.app.create_api_key("hr").await.expect("key");
        let case = app.open("HR-2", "frank").await;
        let week = (app.now() + time::Duration::days(7))
            .format(&Rfc3339)
            .expect("time");
        let (status, answer) = patch(app, &key, case, json!({"effective_at": week})).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        app.deliver().await;
        app.press(&app.link_for(MANAGER, "frank"), "approve", "")
            .await;
        app.deliver().await;
        assert_eq!(app.case(case).await.state, CaseState::Scheduled);

        let soon = app.now() + time::Duration::seconds(5);
        let (status, answer) = patch(
            app,
            &key,
            case,
            json!({"effective_at": soon.format(&Rfc3339).expect("time")}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        app.deliver().await;
        let waiting = app.case(case).await;
        assert_eq!(
            waiting.state,
            CaseState::Scheduled,
            "not before the new time"
        );
        assert!(waiting.steps.iter().all(|s| s.attempts == 0));

        app.advance(Duration::from_secs(5));
        let done = app.run_until(case, CaseState::is_closed).await;
        assert_eq!(done.state, CaseState::Completed, "{:#?}", done.steps);
        let (_, trail) = app.app.case_with_trail(case).await.expect("trail");
        let first_start = trail
            .iter()
            .find(|r| r.kind == "step_started")
            .expect("a step started");
        let soon_ms = i64::try_from(soon.unix_timestamp_nanos() / 1_000_000).expect("ms");
        assert!(
            first_start.at_ms >= soon_ms,
            "a step started at {} ms, before {soon_ms} ms",
            first_start.at_ms
        );
    }
}

#[tokio::test]
async fn a_new_manager_takes_over_the_open_links_and_the_old_link_says_where_it_went() {
    let (_dir, apps) = apps(Options::default()).await;
    const NEW_MANAGER: &str = "nora@acme.test";
    for app in &apps {
        let key = app.app.create_api_key("hr").await.expect("key");
        let case = app.open_and_ask("HR-3", "gina").await;
        let old = app.link_for(MANAGER, "gina");

        let (status, answer) = patch(app, &key, case, json!({"manager_email": NEW_MANAGER})).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        app.deliver().await;

        let page = app.get(&old.url).await;
        assert!(
            page.body.contains("moved") && page.body.contains(NEW_MANAGER),
            "the old link's page says where the request went: {}",
            page.body
        );
        let audit_before = app.count("audit_event").await;
        app.post_token(&old.token, "approve", "").await;
        assert_eq!(app.case(case).await.state, CaseState::AwaitingApproval);
        assert_eq!(
            app.count("audit_event").await,
            audit_before,
            "the old link decided nothing"
        );

        let new = app.link_for(NEW_MANAGER, "gina");
        app.press(&new, "approve", "").await;
        let done = app.run_until(case, CaseState::is_closed).await;
        assert_eq!(done.state, CaseState::Completed, "{:#?}", done.steps);
        assert_eq!(app.audited(case, "approvals_handed_over").await, 1);
        assert_eq!(done.manager_email.as_str(), NEW_MANAGER);
    }
}

#[tokio::test]
async fn a_rejected_step_skipped_with_a_reason_lets_the_rest_be_approved_and_run() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let key = app.app.create_api_key("hr").await.expect("key");
        let case = app.open_and_ask("HR-4", "bob").await;
        app.press(
            &app.link_for(MANAGER, "bob"),
            "reject",
            "keep the fine-tune until the hand-over",
        )
        .await;
        app.deliver().await;
        let rejected = app.case(case).await;
        assert_eq!(rejected.state, CaseState::NeedsAttention);
        let revoke = rejected
            .steps
            .iter()
            .find(|s| s.kind == StepKind::RevokeGatedAccess)
            .expect("a revoke step");
        assert_eq!(revoke.state, StepState::Rejected);
        assert_eq!(
            revoke.note.as_deref(),
            Some("keep the fine-tune until the hand-over")
        );

        let skip_path = format!("/api/v1/cases/{case}/steps/{}/skip", revoke.id);
        let (status, answer) = post(app, &key, &skip_path, json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(fields(&answer), ["reason"]);
        assert_eq!(app.case(case).await, rejected, "nothing changed");

        let reason = "hand-over of the fine-tune until Friday";
        let (status, answer) = post(app, &key, &skip_path, json!({"reason": reason})).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (status, answer) =
            post(app, &key, &format!("/api/v1/cases/{case}/reask"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["state"], "awaiting_approval");
        app.deliver().await;
        app.press(&app.link_for(MANAGER, "bob"), "approve", "")
            .await;
        let done = app.run_until(case, CaseState::is_closed).await;
        assert_eq!(done.state, CaseState::Completed, "{:#?}", done.steps);
        assert!(!app.is_member("bob").await, "bob removed");

        let mut export = app
            .app
            .export(Scope::Case(case), Format::Json)
            .await
            .expect("export");
        let mut text = Vec::new();
        while let Some(piece) = export.next_piece().await.expect("piece") {
            text.extend(piece);
        }
        let text = String::from_utf8(text).expect("utf-8");
        assert!(text.contains("step_skipped"), "{text}");
        assert!(
            text.contains(reason),
            "the skip's reason is in the evidence"
        );
        assert!(text.contains("api:hr"), "and who skipped it");
    }
}

#[tokio::test]
async fn the_approver_chooses_another_successor_and_approves_the_promotion_of_that_person() {
    let (_dir, apps) = apps(Options {
        world: Some(bob_last_admin()),
        ..Options::default()
    })
    .await;
    for app in &apps {
        let backend = app.backend;
        let ticket = leaver_app::model::TicketInput {
            external_id: Some("HR-5".into()),
            email: Some("bob@acme.test".into()),
            hub_username: Some("bob".into()),
            manager_email: Some(MANAGER.into()),
            successor: Some("dave".into()),
            ..leaver_app::model::TicketInput::default()
        };
        let actor = leaver_app::model::Actor::cli();
        let case = app
            .app
            .open_case(&ticket, &actor)
            .await
            .expect("open")
            .case
            .id;
        app.deliver().await;
        let link = app.link_for(MANAGER, "bob");
        let page = app.get(&link.url).await;
        assert!(
            page.body.contains("name=\"successor\"") && page.body.contains("value=\"frank\""),
            "{backend:?}: the page offers the members to choose from: {}",
            page.body
        );

        // A made-up name is refused with the field named, and decides nothing.
        let csrf = crate::support::http::form_key_in(&page.body).expect("form key");
        let fields = [
            ("decision", "approve"),
            ("reason", ""),
            ("csrf", csrf.as_str()),
            ("successor", "-not a user-"),
        ];
        let refused = app.post_form(&link.url, Some(&app.url), &fields).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        app.assert_nothing_decided(case).await;

        let fields = [
            ("decision", "approve"),
            ("reason", ""),
            ("csrf", csrf.as_str()),
            ("successor", "frank"),
        ];
        app.post_form(&link.url, Some(&app.url), &fields).await;
        app.deliver().await;
        let chosen = app.case(case).await;
        assert_eq!(chosen.successor.as_ref().map(|s| s.as_str()), Some("frank"));
        let promotion = chosen
            .steps
            .iter()
            .find(|s| s.kind == StepKind::ReassignLastAdmin)
            .expect("promotion");
        assert_eq!(promotion.state, StepState::AwaitingApproval, "{backend:?}");
        assert!(
            chosen
                .steps
                .iter()
                .filter(|s| s.kind == StepKind::StripAccess)
                .all(|s| s.state == StepState::Approved),
            "the rest of the decision stands: {:#?}",
            chosen.steps
        );
        assert_eq!(app.audited(case, "successor_chosen").await, 1);

        let again = app.link_for(MANAGER, "bob");
        assert_ne!(again.url, link.url, "a new request about promoting frank");
        app.press(&again, "approve", "").await;
        let done = app.run_until(case, CaseState::is_closed).await;
        assert_eq!(done.state, CaseState::Completed, "{:#?}", done.steps);
        assert_eq!(role_of(app, "frank").await.as_deref(), Some("admin"));
        assert_eq!(role_of(app, "dave").await.as_deref(), Some("write"));
    }
}
