//! Raw tokens handed over for a case are revoked everywhere by its `flag_tokens` step, after the
//! plan is approved, and named by fingerprint only in the trail; their seals are erased.

mod support;

use leaver_core::{CaseState, HubTokenValue, StepKind};
use leaver_store::{Actor, Store, TokenSealer, TokenStore};
use sqlx::Row;
use support::*;
use time::OffsetDateTime;

const BOB_TOKEN: &str = "hf_bob_personal_token_42";

#[tokio::test]
async fn a_token_handed_over_is_revoked_once_the_plan_is_approved() {
    let mut seed = world();
    seed["tokens"]
        .as_array_mut()
        .expect("tokens")
        .push(serde_json::json!({"user": "bob", "value": BOB_TOKEN}));
    for world in World::all(seed).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        let token = HubTokenValue::parse(BOB_TOKEN).expect("token");
        let sealer = TokenSealer::new(&SECRET);
        let now = OffsetDateTime::now_utc();
        let held = world
            .store
            .hold_tokens(
                case,
                std::slice::from_ref(&token),
                &sealer,
                &Actor::api("scanner"),
                now,
            )
            .await
            .expect("held");
        assert_eq!(held.added, 1);
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
