//! Raw tokens handed over for a case are revoked everywhere by its `flag_tokens` step, after the
//! plan is approved, and named by fingerprint only in the trail; their seals are erased.

mod support;

use leaver_core::{CaseState, HubTokenValue, StepKind, StepState};
use leaver_store::{Actor, Store, TokenSealer, TokenStore};
use serde_json::json;
use sqlx::Row;
use support::*;
use time::OffsetDateTime;

const BOB_TOKEN: &str = "hf_bob_personal_token_42";

/// The support world, where bob also holds a personal token.
fn world_with_bobs_token() -> serde_json::Value {
    let mut seed = world();
    seed["tokens"]
        .as_array_mut()
        .expect("tokens")
        .push(serde_json::json!({"user": "bob", "value": BOB_TOKEN}));
    seed
}

/// Hands bob's token over for `case`, sealed with `secret`.
async fn hold_bobs_token(world: &World, case: leaver_core::CaseId, secret: &[u8]) {
    let token = HubTokenValue::parse(BOB_TOKEN).expect("token");
    let held = world
        .store
        .hold_tokens(
            case,
            &[token],
            &TokenSealer::new(secret),
            &Actor::api("scanner"),
            OffsetDateTime::now_utc(),
        )
        .await
        .expect("held");
    assert_eq!(held.added, 1);
}

#[tokio::test]
async fn a_token_handed_over_is_revoked_once_the_plan_is_approved() {
    for world in World::all(world_with_bobs_token()).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        let token = HubTokenValue::parse(BOB_TOKEN).expect("token");
        let sealer = TokenSealer::new(&SECRET);
        let now = OffsetDateTime::now_utc();
        hold_bobs_token(&world, case, &SECRET).await;
        world.settle().await;
        assert_eq!(whoami(&world, BOB_TOKEN).await, 200, "not before approval");

        world.approve_all(case).await;
        let late = HubTokenValue::parse("hf_bob_found_too_late_7").expect("token");
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
        let flag = done
            .steps
            .iter()
            .find(|s| s.kind == StepKind::FlagTokens)
            .expect("flag_tokens");
        assert!(
            flag.note
                .as_deref()
                .is_some_and(|n| n.contains(&token.fingerprint())),
            "{:?}",
            flag.note
        );

        let trail = world.store.audit_events(Some(case)).await.expect("trail");
        let revoked = trail
            .iter()
            .find(|r| r.kind == "tokens_revoked")
            .expect("recorded");
        assert_eq!(
            revoked.data["fingerprints"][0],
            token.fingerprint().as_str()
        );
        let everything = serde_json::to_string(&trail.iter().map(|r| &r.data).collect::<Vec<_>>())
            .expect("json");
        assert!(!everything.contains(BOB_TOKEN), "never in clear");
        let row = sqlx::query("SELECT sealed, revoked_at FROM held_token")
            .fetch_one(world.store.pool())
            .await
            .expect("row");
        assert_eq!(
            row.try_get::<String, _>("sealed").expect("sealed"),
            "",
            "seal erased"
        );
        assert!(
            world
                .store
                .held_tokens(case, &sealer)
                .await
                .expect("held")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn a_hub_failing_the_revocation_is_retried_and_the_token_still_revoked_once() {
    for world in World::all(world_with_bobs_token()).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        hold_bobs_token(&world, case, &SECRET).await;
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
        let trail = world.store.audit_events(Some(case)).await.expect("trail");
        let revoked = trail.iter().filter(|r| r.kind == "tokens_revoked").count();
        assert_eq!(revoked, 1, "recorded once, after the call went through");
    }
}

#[tokio::test]
async fn a_token_sealed_under_another_key_fails_the_step_for_an_operator_and_stays_held() {
    for world in World::all(world_with_bobs_token()).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        // Sealed by a server with another LEAVER_SECRET_KEY than the engine's.
        hold_bobs_token(&world, case, &[6; 32]).await;
        world.settle().await;
        world.approve_all(case).await;
        world.settle().await;

        let stuck = world.store.case(case).await.expect("case");
        assert_eq!(stuck.state, CaseState::NeedsAttention, "{:?}", stuck.steps);
        let flag = flag_tokens(&stuck);
        assert_eq!(flag.state, StepState::Failed);
        let fingerprint = HubTokenValue::parse(BOB_TOKEN)
            .expect("token")
            .fingerprint();
        let error = flag.error.as_deref().unwrap_or_default();
        assert!(error.contains(&fingerprint), "names the token: {error}");
        assert!(!error.contains(BOB_TOKEN), "never the value: {error}");
        assert_eq!(whoami(&world, BOB_TOKEN).await, 200, "nothing was revoked");
        let still_held = world
            .store
            .held_tokens(case, &TokenSealer::new(&[6; 32]))
            .await
            .expect("held");
        assert_eq!(
            still_held.len(),
            1,
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
