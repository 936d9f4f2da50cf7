//! The record of calls received (`inbound_call`) and hook sources, on SQLite and (with
//! `TEST_POSTGRES_URL`) Postgres: the newest calls come back first, each channel and name keeps
//! its last 50 only, long outcomes are cut; a hook secret is stored sealed, opens with the same
//! key only, and a revoked source has none; an event id is claimed once.

use leaver_store::inbound_calls::{KEEP_PER_NAME, OUTCOME_MAX_CHARS};
use leaver_store::{Actor, Channel, HookStore, InboundCall, InboundCalls, TokenSealer, scratch};
use time::{Duration, OffsetDateTime};

fn call(
    channel: Channel,
    name: &str,
    at: OffsetDateTime,
    status: u16,
    outcome: &str,
) -> InboundCall {
    InboundCall {
        channel,
        name: name.into(),
        at,
        method: "POST".into(),
        path: format!("/api/v1/hooks/{name}"),
        status,
        outcome: outcome.into(),
    }
}

#[tokio::test]
async fn calls_come_back_newest_first_and_each_name_keeps_its_last_fifty() {
    let dir = tempfile::tempdir().expect("dir");
    for (store, _) in scratch::all(dir.path()).await.expect("stores") {
        let start = OffsetDateTime::now_utc();
        for n in 0..60 {
            let at = start + Duration::seconds(n);
            store
                .record_inbound_call(&call(
                    Channel::Hook,
                    "bamboohr",
                    at,
                    201,
                    &format!("call {n}"),
                ))
                .await
                .expect("record");
        }
        store
            .record_inbound_call(&call(Channel::Scim, "bamboohr", start, 200, "a scim call"))
            .await
            .expect("record");
        store
            .record_inbound_call(&call(
                Channel::Hook,
                "workday",
                start,
                401,
                &"x".repeat(500),
            ))
            .await
            .expect("record");

        let all = store
            .recent_inbound_calls(Channel::Hook, "bamboohr", 1000)
            .await
            .expect("read");
        assert_eq!(all.len(), KEEP_PER_NAME as usize);
        assert_eq!(all[0].outcome, "call 59");
        assert_eq!(all[49].outcome, "call 10");
        let three = store
            .recent_inbound_calls(Channel::Hook, "bamboohr", 3)
            .await
            .expect("read");
        assert_eq!(three.len(), 3);
        assert_eq!(three[0], all[0]);
        let scim = store
            .recent_inbound_calls(Channel::Scim, "bamboohr", 10)
            .await
            .expect("read");
        assert_eq!(scim.len(), 1, "channels are apart");
        let long = store
            .recent_inbound_calls(Channel::Hook, "workday", 10)
            .await
            .expect("read");
        assert_eq!(long[0].status, 401);
        assert_eq!(
            long[0].outcome.chars().count(),
            OUTCOME_MAX_CHARS + 1,
            "cut, with an ellipsis"
        );
    }
}

#[tokio::test]
async fn hook_secrets_are_sealed_and_event_ids_claimed_once() {
    let dir = tempfile::tempdir().expect("dir");
    for (store, _) in scratch::all(dir.path()).await.expect("stores") {
        let now = OffsetDateTime::now_utc();
        let sealer = TokenSealer::new(&[7; 32]);
        let secret = "lvrhk_0123456789abcdef";
        assert!(
            store
                .create_hook_source("bamboohr", secret, &sealer, &Actor::cli(), now)
                .await
                .expect("create")
        );
        assert!(
            !store
                .create_hook_source("bamboohr", "other", &sealer, &Actor::cli(), now)
                .await
                .expect("taken"),
            "a name in use is refused"
        );
        let sealed: String = sqlx::query_scalar("SELECT sealed_secret FROM hook_source")
            .fetch_one(store.pool())
            .await
            .expect("row");
        assert!(!sealed.contains("0123456789abcdef"));
        assert_eq!(
            store
                .hook_secret("bamboohr", &sealer)
                .await
                .expect("open")
                .as_deref(),
            Some(secret)
        );
        assert!(
            store
                .hook_secret("bamboohr", &TokenSealer::new(&[8; 32]))
                .await
                .is_err(),
            "another key does not open it"
        );

        assert!(
            store
                .claim_hook_event("bamboohr", "evt_1", "terminated", now)
                .await
                .expect("claim")
        );
        assert!(
            !store
                .claim_hook_event("bamboohr", "evt_1", "terminated", now)
                .await
                .expect("again")
        );
        assert!(
            store
                .claim_hook_event("workday", "evt_1", "terminated", now)
                .await
                .expect("other source")
        );

        assert!(
            store
                .revoke_hook_source("bamboohr", &Actor::cli(), now)
                .await
                .expect("revoke")
        );
        assert!(
            !store
                .revoke_hook_source("bamboohr", &Actor::cli(), now)
                .await
                .expect("twice")
        );
        assert_eq!(
            store.hook_secret("bamboohr", &sealer).await.expect("read"),
            None
        );
        assert!(
            store
                .create_hook_source("bamboohr", "lvrhk_new", &sealer, &Actor::cli(), now)
                .await
                .expect("again"),
            "a revoked source's name may be used again"
        );
        assert_eq!(
            store
                .hook_secret("bamboohr", &sealer)
                .await
                .expect("open")
                .as_deref(),
            Some("lvrhk_new")
        );
        assert!(
            !store
                .claim_hook_event("bamboohr", "evt_1", "terminated", now)
                .await
                .expect("spent"),
            "its event ids stay spent"
        );
    }
}
