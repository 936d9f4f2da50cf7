//! Raw tokens handed over for a case are settled by its `flag_tokens` step once the plan is
//! approved: the Hub is asked whose each one is, only the leaver's are revoked, a dead one is
//! recorded as such, and anyone else's (Leaver's own included) stays alive while the step waits
//! for an operator. The trail names them by fingerprint only; every seal is erased.

mod support;

use leaver_core::{CaseId, CaseState, Event, HubTokenValue, StepKind, StepState};
use leaver_store::held_tokens::{HeldState, Verdict};
use leaver_store::{Actor, Store, TokenSealer, TokenStore};
use serde_json::{Value, json};
use sqlx::Row;
use support::*;
use time::OffsetDateTime;

const BOB_TOKEN: &str = "hf_bob_personal_token_42";
const CAROL_TOKEN: &str = "hf_carol_personal_token_7";
/// Never issued by the Hub (or revoked long ago).
const DEAD_TOKEN: &str = "hf_revoked_long_ago_0001";

/// The support world, where bob and carol also hold personal tokens.
fn world_with_personal_tokens() -> Value {
    let mut seed = world();
    let tokens = seed["tokens"].as_array_mut().expect("tokens");
    tokens.push(json!({"user": "bob", "value": BOB_TOKEN}));
    tokens.push(json!({"user": "carol", "value": CAROL_TOKEN}));
    seed
}

fn token(raw: &str) -> HubTokenValue {
    HubTokenValue::parse(raw).expect("token")
}

/// Hands `raw` over for `case` straight to the store (no intake checks), sealed with `secret`.
async fn hold(world: &World, case: CaseId, raw: &[&str], secret: &[u8]) {
    let tokens: Vec<HubTokenValue> = raw.iter().map(|r| token(r)).collect();
    let held = world
        .store
        .hold_tokens(
            case,
            &tokens,
            &TokenSealer::new(secret),
            &Actor::api("scanner"),
            OffsetDateTime::now_utc(),
        )
        .await
        .expect("held");
    assert_eq!(held.added, raw.len());
}

#[tokio::test]
async fn the_leavers_token_is_revoked_once_the_plan_is_approved() {
    for world in World::all(world_with_personal_tokens()).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        let sealer = TokenSealer::new(&SECRET);
        let now = OffsetDateTime::now_utc();
        hold(&world, case, &[BOB_TOKEN], &SECRET).await;
        world.settle().await;
        assert_eq!(whoami(&world, BOB_TOKEN).await, 200, "not before approval");

        world.approve_all(case).await;
        let late = token("hf_bob_found_too_late_7");
        let refused = world
            .store
            .hold_tokens(case, &[late], &sealer, &Actor::api("scanner"), now)
            .await;
        assert!(
            refused.is_err(),
            "once approved, the step may be running: {refused:?}"
        );
        world.settle().await;
        let done = world.store.case(case).await.expect("case");
        assert_eq!(done.state, CaseState::Completed, "{:?}", done.steps);
        assert_eq!(whoami(&world, BOB_TOKEN).await, 401, "revoked everywhere");
        let fingerprint = token(BOB_TOKEN).fingerprint();
        let note = flag_tokens(&done).note.clone().unwrap_or_default();
        assert!(note.contains(&fingerprint), "{note}");

        let trail = trail_of(&world, case).await;
        assert_eq!(trail["tokens_revoked"][0]["tokens"], json!([fingerprint]));
        assert!(!trail.to_string().contains(BOB_TOKEN), "never in clear");
        let row = sqlx::query("SELECT sealed, settled_at, outcome FROM held_token")
            .fetch_one(world.store.pool())
            .await
            .expect("row");
        assert_eq!(row.try_get::<String, _>("sealed").expect("sealed"), "");
        assert_eq!(
            row.try_get::<String, _>("outcome").expect("outcome"),
            "revoked"
        );
        let held = world.store.held_tokens(case, &sealer).await.expect("held");
        assert!(matches!(
            held[0].state,
            HeldState::Settled(Verdict::Revoked)
        ));
    }
}

#[tokio::test]
async fn tokens_of_others_are_not_revoked_and_the_step_waits_for_an_operator() {
    for world in World::all(world_with_personal_tokens()).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        // Handed over as bob's: a colleague's, Leaver's own (past any intake check), a dead
        // one, and bob's.
        hold(
            &world,
            case,
            &[CAROL_TOKEN, TOKEN, DEAD_TOKEN, BOB_TOKEN],
            &SECRET,
        )
        .await;
        world.settle().await;
        world.approve_all(case).await;
        world.settle().await;

        let waiting = world.store.case(case).await.expect("case");
        assert_eq!(
            waiting.state,
            CaseState::NeedsAttention,
            "{:?}",
            waiting.steps
        );
        let flag = flag_tokens(&waiting);
        assert_eq!(flag.state, StepState::WaitingManual, "{flag:?}");
        let told = flag.instructions.clone().unwrap_or_default();
        for (raw, owner) in [(CAROL_TOKEN, "belongs to carol"), (TOKEN, "Leaver's own")] {
            let named = format!("{} ({owner}", token(raw).fingerprint());
            assert!(told.contains(&named), "{named} in: {told}");
        }
        assert!(told.contains("NOT revoked"), "{told}");
        assert!(
            !told.contains("hf_carol_personal") && !told.contains(TOKEN),
            "{told}"
        );
        assert_eq!(
            whoami(&world, CAROL_TOKEN).await,
            200,
            "carol's still works"
        );
        assert_eq!(whoami(&world, TOKEN).await, 200, "Leaver's own still works");
        assert_eq!(whoami(&world, BOB_TOKEN).await, 401, "bob's is revoked");

        let trail = trail_of(&world, case).await;
        let not_revoked = trail["tokens_not_revoked"][0]["tokens"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(not_revoked.len(), 2, "{not_revoked:?}");
        for (raw, owner) in [(CAROL_TOKEN, "carol"), (TOKEN, "leaver-bot")] {
            let entry = json!({"fingerprint": token(raw).fingerprint(), "owner": owner});
            assert!(not_revoked.contains(&entry), "{entry} in {not_revoked:?}");
        }
        assert_eq!(
            trail["tokens_already_dead"][0]["tokens"],
            json!([token(DEAD_TOKEN).fingerprint()])
        );
        assert_eq!(
            trail["tokens_revoked"][0]["tokens"],
            json!([token(BOB_TOKEN).fingerprint()])
        );
        let sealed: Vec<String> = sqlx::query("SELECT sealed FROM held_token")
            .fetch_all(world.store.pool())
            .await
            .expect("rows")
            .iter()
            .map(|r| r.try_get("sealed").expect("sealed"))
            .collect();
        assert_eq!(sealed, vec![String::new(); 4], "every seal erased");

        // The operator deals with it; the case goes on with Leaver's token still working.
        let done = Event::ManualDone {
            step: flag.id,
            note: "carol rotated hers; ours stays".into(),
        };
        let operator = Actor::operator("ops@acme.test");
        world
            .store
            .record(
                case,
                vec![done],
                &operator,
                json!({}),
                None,
                OffsetDateTime::now_utc(),
            )
            .await
            .expect("marked done");
        world.settle().await;
        let completed = world.store.case(case).await.expect("case");
        assert_eq!(
            completed.state,
            CaseState::Completed,
            "{:?}",
            completed.steps
        );
        assert_eq!(whoami(&world, CAROL_TOKEN).await, 200);
        assert_eq!(whoami(&world, TOKEN).await, 200);
        let trail = trail_of(&world, case).await;
        assert_eq!(
            trail["tokens_not_revoked"].as_array().map(Vec::len),
            Some(1)
        );
    }
}

#[tokio::test]
async fn a_hub_failing_the_revocation_is_retried_and_the_token_still_revoked_once() {
    for world in World::all(world_with_personal_tokens()).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        hold(&world, case, &[BOB_TOKEN], &SECRET).await;
        world.settle().await;
        // More 503s than the client retries: the step's first attempt fails, the engine retries.
        let faults = json!({"fail_next": [
            {"route": "POST /api/credentials/revoke", "status": 503, "count": 8}
        ]});
        world
            .http
            .post(format!("{}/_sim/faults", world.sim.url))
            .json(&faults)
            .send()
            .await
            .expect("faults");
        world.approve_all(case).await;
        world.settle().await;

        let done = world.store.case(case).await.expect("case");
        assert_eq!(done.state, CaseState::Completed, "{:?}", done.steps);
        let flag = flag_tokens(&done);
        assert!(
            flag.attempts >= 2,
            "the Hub's 503s failed an attempt: {flag:?}"
        );
        assert_eq!(whoami(&world, BOB_TOKEN).await, 401, "revoked in the end");
        let trail = trail_of(&world, case).await;
        assert_eq!(
            trail["tokens_revoked"].as_array().map(Vec::len),
            Some(1),
            "recorded once, after the call went through"
        );
    }
}

#[tokio::test]
async fn a_token_sealed_under_another_key_fails_the_step_for_an_operator_and_stays_held() {
    for world in World::all(world_with_personal_tokens()).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        // Sealed by a server with another LEAVER_SECRET_KEY than the engine's.
        hold(&world, case, &[BOB_TOKEN], &[6; 32]).await;
        world.settle().await;
        world.approve_all(case).await;
        world.settle().await;

        let stuck = world.store.case(case).await.expect("case");
        assert_eq!(stuck.state, CaseState::NeedsAttention, "{:?}", stuck.steps);
        let flag = flag_tokens(&stuck);
        assert_eq!(flag.state, StepState::Failed);
        let fingerprint = token(BOB_TOKEN).fingerprint();
        let error = flag.error.as_deref().unwrap_or_default();
        assert!(error.contains(&fingerprint), "names the token: {error}");
        assert!(!error.contains(BOB_TOKEN), "never the value: {error}");
        assert_eq!(whoami(&world, BOB_TOKEN).await, 200, "nothing was revoked");
        let still_held = world
            .store
            .held_tokens(case, &TokenSealer::new(&[6; 32]))
            .await
            .expect("held");
        assert!(
            matches!(&still_held[..], [t] if matches!(t.state, HeldState::Waiting(_))),
            "nothing lost: it opens with its own key"
        );
    }
}

fn flag_tokens(case: &leaver_core::Case) -> &leaver_core::Step {
    case.steps
        .iter()
        .find(|s| s.kind == StepKind::FlagTokens)
        .expect("flag_tokens")
}

/// The case's audit records' data, grouped by kind: `{"kind": [data, ...]}`.
async fn trail_of(world: &World, case: CaseId) -> Value {
    let mut by_kind = serde_json::Map::new();
    for record in world.store.audit_events(Some(case)).await.expect("trail") {
        let list = by_kind
            .entry(record.kind.clone())
            .or_insert_with(|| json!([]));
        list.as_array_mut().expect("list").push(record.data.clone());
    }
    Value::Object(by_kind)
}

/// The status `GET /api/whoami-v2` answers `token` with.
async fn whoami(world: &World, token: &str) -> u16 {
    world
        .http
        .get(format!("{}/api/whoami-v2", world.sim.url))
        .bearer_auth(token)
        .send()
        .await
        .expect("whoami")
        .status()
        .as_u16()
}
