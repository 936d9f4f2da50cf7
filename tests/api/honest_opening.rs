//! Honest openings (issue 14): a case for a Hub user who does not exist is refused when the Hub
//! can be asked and blocked at planning when it could not; a username is stored as the Hub spells
//! it; a leaver found in no managed org needs attention until an operator confirms; a successor
//! who is leaving too and a second open case for the same person are refused. Over real HTTP
//! with hubsim, on SQLite and Postgres.

use crate::support::{Reply, TestApp, approve_emailed_links, apps_with};
use leaver_core::{Case, CaseId, CaseState, StepKind};
use leaver_store::Store;
use leaver_testkit::Options;
use reqwest::StatusCode;
use serde_json::{Value, json};

const MANAGER: &str = "erin@acme.test";

/// acme-ai with alice (write) and carol (admin); gina and bob exist but belong to no org.
fn world() -> Value {
    let user = |name: &str| json!({"username": name, "email": format!("{name}@acme.test")});
    json!({
        "users": [user("leaver-bot"), user("alice"), user("bob"), user("carol"), user("gina")],
        "tokens": [{"user": "leaver-bot", "value": leaver_testkit::HUB_TOKEN}],
        "orgs": [{"name": "acme-ai", "plan": "team", "scim": "none", "members": [
            {"user": "leaver-bot", "role": "admin"}, {"user": "alice", "role": "write"},
            {"user": "carol", "role": "admin"}]}]
    })
}

async fn honest_apps() -> (tempfile::TempDir, Vec<TestApp>) {
    let options = Options::default()
        .world(world())
        .smtp_sink()
        .settings(|s| s.orgs = vec!["acme-ai".into()]);
    apps_with(options).await
}

fn ticket(external_id: &str, user: &str, successor: Option<&str>) -> String {
    json!({
        "external_id": external_id,
        "person": {"email": format!("{}@acme.test", user.to_lowercase()), "hub_username": user},
        "manager_email": MANAGER,
        "successor": successor,
    })
    .to_string()
}

async fn post_case(app: &TestApp, external_id: &str, user: &str, successor: Option<&str>) -> Reply {
    let body = ticket(external_id, user, successor);
    app.api("POST", "/api/v1/cases", Some(&body)).await
}

fn id_of(reply: &Reply) -> CaseId {
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("case id")
}

async fn case(app: &TestApp, id: CaseId) -> Case {
    app.store.case(id).await.expect("case")
}

/// The only field error of a 422, as (field, message).
fn field_error(reply: &Reply) -> (String, String) {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let fields = reply.json()["fields"].clone();
    assert_eq!(fields.as_array().map(Vec::len), Some(1), "{}", reply.body);
    let text = |k: &str| fields[0][k].as_str().unwrap_or_default().to_owned();
    (text("field"), text("message"))
}

async fn set_faults(app: &TestApp, faults: Value) {
    let reply = app
        .http
        .post(format!("{}/_sim/faults", app.hub_url))
        .json(&faults)
        .send()
        .await
        .expect("faults");
    assert!(reply.status().is_success());
}

#[tokio::test]
async fn a_case_for_a_hub_user_who_does_not_exist_is_refused_by_every_single_case_door() {
    let (_dir, apps) = honest_apps().await;
    for app in apps {
        let reply = post_case(&app, "HR-1", "nosuchuser", None).await;
        assert_eq!(
            field_error(&reply),
            (
                "person.hub_username".to_owned(),
                "no Hugging Face account named nosuchuser".to_owned()
            )
        );

        let session = app.login().await;
        let form = app
            .submit(
                &session,
                "/cases/new",
                &[
                    ("external_id", "HR-2"),
                    ("email", "nosuchuser@acme.test"),
                    ("hub_username", "nosuchuser"),
                    ("manager_email", MANAGER),
                ],
            )
            .await;
        assert_eq!(
            form.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            form.body
        );
        assert!(
            form.body
                .contains("no Hugging Face account named nosuchuser")
        );

        // The binary asks this test's hubsim, which answers on this test's runtime: wait off it.
        let (db_url, hub_url) = (app.db_url.clone(), app.hub_url.clone());
        let cli = tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_leaver"))
                .args(["case", "open", "--external-id", "HR-3"])
                .args([
                    "--email",
                    "nosuchuser@acme.test",
                    "--hub-user",
                    "nosuchuser",
                ])
                .args(["--manager", MANAGER])
                .env("LEAVER_DATABASE_URL", db_url)
                .env("LEAVER_HUB_URL", hub_url)
                .env("LEAVER_HUB_TOKEN", leaver_testkit::HUB_TOKEN)
                .output()
                .expect("leaver runs")
        })
        .await
        .expect("joined");
        let stderr = String::from_utf8_lossy(&cli.stderr);
        assert!(!cli.status.success(), "{stderr}");
        assert!(
            stderr.contains("--hub-user")
                && stderr.contains("no Hugging Face account named nosuchuser"),
            "{stderr}"
        );
        assert_eq!(
            app.count("offboarding_case").await,
            0,
            "nothing was written"
        );
    }
}

#[tokio::test]
async fn a_username_typed_in_other_letters_is_stored_as_the_hub_spells_it_and_planned() {
    let (_dir, apps) = honest_apps().await;
    for app in apps {
        let created = post_case(&app, "HR-1", "Alice", None).await;
        assert_eq!(
            created.json()["person"]["hub_username"],
            "alice",
            "{}",
            created.body
        );
        let id = id_of(&created);
        let planned = app.run_until(id, |s| s != CaseState::Planning).await;
        assert_eq!(
            planned.state,
            CaseState::AwaitingApproval,
            "{:?}",
            planned.blocked_reason
        );
        assert!(
            planned
                .steps
                .iter()
                .any(|s| s.kind == StepKind::RemoveMember && s.target.to_string() == "org:acme-ai"),
            "{:#?}",
            planned.steps
        );
    }
}

#[tokio::test]
async fn an_opening_while_the_hub_is_down_is_checked_at_planning() {
    let (_dir, apps) = honest_apps().await;
    for app in apps {
        set_faults(&app, json!({"error_rate": 1.0, "error_status": 503})).await;
        let id = id_of(&post_case(&app, "HR-1", "nosuchuser", None).await);
        set_faults(&app, json!({})).await;
        let planned = app.run_until(id, |s| s != CaseState::Planning).await;
        assert_eq!(planned.state, CaseState::NeedsAttention);
        let reason = planned.blocked_reason.unwrap_or_default();
        assert!(
            reason.starts_with("no Hugging Face account named nosuchuser"),
            "{reason}"
        );
        let confirm = app
            .api(
                "POST",
                &format!("/api/v1/cases/{id}/confirm-nothing-held"),
                None,
            )
            .await;
        assert_eq!(
            confirm.status,
            StatusCode::CONFLICT,
            "an unknown account is not confirmed empty"
        );
    }
}

#[tokio::test]
async fn a_leaver_in_no_org_needs_attention_and_completes_only_after_an_operator_confirms() {
    let (_dir, apps) = honest_apps().await;
    for app in apps {
        let id = id_of(&post_case(&app, "HR-1", "gina", None).await);
        let planned = app.run_until(id, |s| s != CaseState::Planning).await;
        assert_eq!(planned.state, CaseState::NeedsAttention);
        assert_eq!(
            planned.blocked_reason.as_deref(),
            Some("gina holds nothing Leaver can see in acme-ai: confirm or cancel")
        );
        app.run_pending_jobs().await;
        assert_eq!(
            case(&app, id).await.state,
            CaseState::NeedsAttention,
            "never completed unseen"
        );

        let session = app.login().await;
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        assert!(
            page.body
                .contains(&format!("action=\"/cases/{id}/confirm-nothing-held\"")),
            "the case page offers the confirmation"
        );
        let confirmed = app
            .api(
                "POST",
                &format!("/api/v1/cases/{id}/confirm-nothing-held"),
                None,
            )
            .await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
        assert_eq!(confirmed.json()["state"], "awaiting_approval");
        let again = app
            .api(
                "POST",
                &format!("/api/v1/cases/{id}/confirm-nothing-held"),
                None,
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);

        app.run_pending_jobs().await;
        approve_emailed_links(&app, MANAGER).await;
        let done = app
            .run_until(id, |s| s.is_closed() || s == CaseState::NeedsAttention)
            .await;
        assert_eq!(done.state, CaseState::Completed, "{:#?}", done.steps);
    }
}

#[tokio::test]
async fn a_successor_who_is_leaving_too_is_refused_at_opening_and_in_a_patch() {
    let (_dir, apps) = honest_apps().await;
    for app in apps {
        let carol = id_of(&post_case(&app, "HR-1", "carol", None).await);
        let refused = post_case(&app, "HR-2", "alice", Some("Carol")).await;
        assert_eq!(
            field_error(&refused),
            (
                "successor".to_owned(),
                format!("Carol is leaving too (case {carol})")
            )
        );
        let itself = post_case(&app, "HR-3", "alice", Some("ALICE")).await;
        assert_eq!(field_error(&itself).0, "successor");

        let alice = id_of(&post_case(&app, "HR-4", "alice", None).await);
        let patch = app
            .http
            .patch(format!("{}/api/v1/cases/{alice}", app.url))
            .bearer_auth(&app.key)
            .header("content-type", "application/merge-patch+json")
            .body(json!({"successor": "carol"}).to_string())
            .send()
            .await
            .expect("patch");
        assert_eq!(patch.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = patch.json().await.expect("JSON");
        assert_eq!(body["fields"][0]["field"], "successor", "{body}");
        assert!(
            case(&app, alice).await.successor.is_none(),
            "nothing changed"
        );
    }
}

#[tokio::test]
async fn a_second_open_case_for_the_same_person_is_refused_with_the_first_ones_id() {
    let (_dir, apps) = honest_apps().await;
    for app in apps {
        let first = id_of(&post_case(&app, "HR-1", "alice", None).await);
        let second = post_case(&app, "HR-2", "Alice", None).await;
        assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.body);
        let error = second.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(error.contains(&first.to_string()), "{error}");
        assert_eq!(app.count("offboarding_case").await, 1);

        let replay = post_case(&app, "HR-1", "alice", None).await;
        assert_eq!(
            replay.status,
            StatusCode::OK,
            "a replay still answers the first case"
        );

        let cancel = app
            .api("POST", &format!("/api/v1/cases/{first}/cancel"), None)
            .await;
        assert_eq!(cancel.status, StatusCode::OK);
        id_of(&post_case(&app, "HR-2", "alice", None).await);
    }
}
