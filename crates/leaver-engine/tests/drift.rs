//! The drift watch: a completed leaver who is granted a gated repo again and re-provisioned
//! into an org through SCIM is found by one sweep, recorded on the original case, and a
//! follow-up case takes the access away again through plan, approval and verify.

mod support;

use leaver_core::{CaseState, ExternalId};
use leaver_store::{CaseFilter, DRIFT_DETECTED, DRIFT_FOLLOW_UP, DriftLinks, Store};
use serde_json::{Value, json};
use support::*;
use time::OffsetDateTime;

/// The support's world with beta-lab on managed SSO, bob provisioned there through SCIM.
fn managed_world() -> Value {
    let mut seed = world();
    let beta = &mut seed["orgs"][1];
    beta["scim"] = json!("managed");
    beta["scim_users"] = json!([{"user": "bob"}, {"user": "dave"}]);
    seed
}

/// Calls the Hub as an org admin would (Leaver's bot is one), expecting success.
async fn as_admin(world: &World, method: reqwest::Method, path: &str, body: Value) -> Value {
    let response = world
        .http
        .request(method, format!("{}{path}", world.sim.url))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .expect("hub");
    let status = response.status();
    let answer = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {answer}");
    answer
}

/// An admin grants bob the gated model again, and the IdP provisions him into beta-lab again.
async fn bob_comes_back(world: &World) {
    let grant = "/api/models/acme-ai/llama-ft/user-access-request/grant";
    as_admin(world, reqwest::Method::POST, grant, json!({"user": "bob"})).await;
    let users = "/api/organizations/beta-lab/scim/v2/Users";
    let found = as_admin(
        world,
        reqwest::Method::GET,
        &format!("{users}?filter=userName%20eq%20%22bob%22"),
        Value::Null,
    )
    .await;
    let id = found["Resources"][0]["id"].as_str().expect("bob's SCIM id");
    for active in [false, true] {
        let patch = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": active}]
        });
        as_admin(
            world,
            reqwest::Method::PATCH,
            &format!("{users}/{id}"),
            patch,
        )
        .await;
    }
}

async fn case_by_external_id(world: &World, external_id: &str) -> leaver_core::Case {
    let cases = world
        .store
        .list_cases(&CaseFilter {
            search: Some(external_id.into()),
            ..CaseFilter::default()
        })
        .await
        .expect("cases");
    let wanted = ExternalId::parse(external_id).expect("id");
    cases
        .into_iter()
        .find(|c| c.external_id == wanted)
        .unwrap_or_else(|| panic!("no case {external_id}"))
}

#[tokio::test]
async fn access_that_comes_back_is_found_recorded_and_taken_away_again() {
    for world in World::all(managed_world()).await {
        let original = world.offboard("HR-7", "bob", Some("carol")).await;
        let done = world.store.case(original).await.expect("case");
        assert_eq!(done.state, CaseState::Completed, "{:?}", done.steps);

        let clean = world.engine.sweep_drift(OffsetDateTime::now_utc()).await;
        assert_eq!(clean.expect("sweep"), [], "nothing came back yet");

        bob_comes_back(&world).await;
        let state = world.sim_state().await;
        assert_eq!(role(&state, "beta-lab", "bob").as_deref(), Some("read"));
        assert_eq!(
            access(&state, "acme-ai/llama-ft", "bob").as_deref(),
            Some("accepted")
        );

        let drifts = world
            .engine
            .sweep_drift(OffsetDateTime::now_utc())
            .await
            .expect("sweep");
        assert_eq!(drifts.len(), 1, "{drifts:?}");
        let drift = &drifts[0];
        assert_eq!(drift.link.original, original);
        assert_eq!(drift.follow_up_external_id, "HR-7-drift-1");
        let found = drift.link.found.join("; ");
        assert!(found.contains("model:acme-ai/llama-ft"), "{found}");
        assert!(found.contains("org:beta-lab"), "{found}");

        let trail = world
            .store
            .audit_events(Some(original))
            .await
            .expect("trail");
        let record = trail
            .iter()
            .find(|r| r.kind == DRIFT_DETECTED)
            .expect("drift_detected on the original");
        assert_eq!(record.data["follow_up"], json!(drift.link.follow_up));
        let follow_up_trail = world
            .store
            .audit_events(Some(drift.link.follow_up))
            .await
            .expect("trail");
        assert!(
            follow_up_trail
                .iter()
                .any(|r| r.kind == DRIFT_FOLLOW_UP && r.data["original"] == json!(original))
        );

        let links = world
            .store
            .drift_of(drift.link.follow_up)
            .await
            .expect("links");
        assert_eq!(
            links,
            std::slice::from_ref(&drift.link),
            "linked from the follow-up too"
        );
        assert_eq!(world.store.drift_count().await.expect("count"), 1);
        let replay = leaver_core::Ticket::parse(&leaver_core::TicketInput {
            external_id: Some("HR-7-drift-1".into()),
            email: Some("bob@acme.test".into()),
            hub_username: Some("bob".into()),
            manager_email: Some("erin@acme.test".into()),
            ..leaver_core::TicketInput::default()
        })
        .expect("ticket");
        let again = leaver_store::DriftLink {
            follow_up: leaver_core::CaseId::random(),
            ..drift.link.clone()
        };
        let engine = leaver_store::Actor::engine();
        let opened = world.store.open_follow_up(&replay, &again, &engine).await;
        assert!(!opened.expect("open"), "a follow-up is opened once");
        assert_eq!(
            world.store.drift_count().await.expect("count"),
            1,
            "nothing written"
        );
        let notices = count(&world.store, "operator_notice").await;
        assert_eq!(notices, 1, "the operators are told");

        let again = world
            .engine
            .sweep_drift(OffsetDateTime::now_utc())
            .await
            .expect("sweep");
        assert_eq!(again, [], "the open follow-up takes care of it");

        world.settle().await;
        let follow_up = case_by_external_id(&world, "HR-7-drift-1").await;
        assert_eq!(follow_up.id, drift.link.follow_up);
        assert_eq!(
            follow_up.state,
            CaseState::AwaitingApproval,
            "approved by the same rules: {:?}",
            follow_up.blocked_reason
        );
        let state = world.sim_state().await;
        assert_eq!(role(&state, "beta-lab", "bob").as_deref(), Some("read"));

        world.approve_all(follow_up.id).await;
        world.settle().await;
        let follow_up = world.store.case(follow_up.id).await.expect("case");
        assert_eq!(
            follow_up.state,
            CaseState::Completed,
            "{:?}",
            follow_up.steps
        );
        let state = world.sim_state().await;
        assert_eq!(role(&state, "beta-lab", "bob"), None);
        assert_eq!(
            access(&state, "acme-ai/llama-ft", "bob").as_deref(),
            Some("rejected")
        );

        let after = world
            .engine
            .sweep_drift(OffsetDateTime::now_utc())
            .await
            .expect("sweep");
        assert_eq!(after, [], "the follow-up left nothing behind");
    }
}

#[tokio::test]
async fn a_case_completed_before_the_watch_window_is_not_watched() {
    for world in World::all(managed_world()).await {
        world.offboard("HR-8", "bob", Some("carol")).await;
        bob_comes_back(&world).await;
        let later = OffsetDateTime::now_utc() + time::Duration::days(31);
        let drifts = world.engine.sweep_drift(later).await.expect("sweep");
        assert_eq!(drifts, [], "30 days after completion the watch has stopped");
    }
}

#[tokio::test]
async fn every_case_completed_within_the_window_is_watched_not_only_the_newest_hundred() {
    // A hundred people with Hub accounts who hold nothing in the managed orgs.
    let mut seed = managed_world();
    let users = seed["users"].as_array_mut().expect("users");
    users.extend((0..100).map(|n| json!({"username": format!("gone{n}")})));
    for world in World::all(seed).await {
        let original = world.offboard("HR-9", "bob", Some("carol")).await;
        let mut later = Vec::new();
        for n in 0..100 {
            later.push(
                world
                    .open(&format!("HR-L{n}"), &format!("gone{n}"), None)
                    .await,
            );
        }
        world.settle().await;
        for case in &later {
            // They hold nothing: an operator confirms it, then the manager approves.
            world
                .store
                .record(
                    *case,
                    vec![leaver_core::Event::NothingHeldConfirmed],
                    &leaver_store::Actor::cli(),
                    serde_json::json!({}),
                    None,
                    OffsetDateTime::now_utc(),
                )
                .await
                .expect("confirmed");
            world.approve_all(*case).await;
        }
        world.settle().await;
        let completed = world
            .store
            .list_cases(&CaseFilter {
                state: Some(CaseState::Completed),
                limit: Some(1000),
                ..CaseFilter::default()
            })
            .await
            .expect("cases");
        assert_eq!(completed.len(), 101);

        bob_comes_back(&world).await;
        let drifts = world
            .engine
            .sweep_drift(OffsetDateTime::now_utc())
            .await
            .expect("sweep");
        assert_eq!(drifts.len(), 1, "{drifts:?}");
        assert_eq!(drifts[0].link.original, original, "the oldest case too");
    }
}

#[tokio::test]
async fn a_sweep_the_hub_fails_records_nothing_and_the_next_one_finds_the_drift() {
    for world in World::all(managed_world()).await {
        world.offboard("HR-10", "bob", Some("carol")).await;
        bob_comes_back(&world).await;

        world
            .set_faults(json!({"error_rate": 1.0, "error_status": 503}))
            .await;
        let failed = world.engine.sweep_drift(OffsetDateTime::now_utc()).await;
        assert!(
            failed.is_err(),
            "a sweep without a full read judges nothing"
        );
        world.set_faults(json!({})).await;
        assert_eq!(world.store.drift_count().await.expect("count"), 0);
        assert_eq!(count(&world.store, "operator_notice").await, 0);

        let found = world
            .engine
            .sweep_drift(OffsetDateTime::now_utc())
            .await
            .expect("the Hub is back");
        assert_eq!(found.len(), 1, "the drift is found once the Hub answers");
        assert_eq!(world.store.drift_count().await.expect("count"), 1);
    }
}
