//! Listing and removing operators and API keys, on SQLite and (with `TEST_POSTGRES_URL`)
//! Postgres: lists carry no secret, a removal takes the operator's sessions with it and is
//! audited with its actor, a name that is not there writes nothing.

use leaver_store::{AccountStore, Actor, Store, scratch};
use time::{Duration, OffsetDateTime};

#[tokio::test]
async fn removing_an_operator_ends_their_sessions_and_is_audited() {
    let dir = tempfile::tempdir().expect("dir");
    for (store, _) in scratch::all(dir.path()).await.expect("stores") {
        let now = OffsetDateTime::now_utc();
        for email in ["ops@acme.test", "ann@acme.test"] {
            store
                .upsert_operator(email, "$argon2id$x", now)
                .await
                .expect("add");
        }
        let ann = store
            .operator_by_email("ann@acme.test")
            .await
            .expect("read")
            .expect("ann");
        let later = now + Duration::minutes(5);
        for session in ["s1", "s2"] {
            store
                .create_session(session, &ann.id, later, later + Duration::hours(1))
                .await
                .expect("session");
        }
        let listed = store.list_operators().await.expect("list");
        let emails: Vec<&str> = listed.iter().map(|o| o.email.as_str()).collect();
        assert_eq!(emails, ["ann@acme.test", "ops@acme.test"]);
        assert!(listed[0].last_login_at.is_some_and(|t| t > now));
        assert_eq!(listed[1].last_login_at, None);

        let before = store.audit_events(None).await.expect("audit").len();
        let by = Actor::operator("ops@acme.test");
        assert!(
            !store
                .remove_operator("nobody@acme.test", &by, later)
                .await
                .expect("remove")
        );
        assert_eq!(store.audit_events(None).await.expect("audit").len(), before);

        assert!(
            store
                .remove_operator("Ann@Acme.test", &by, later)
                .await
                .expect("remove")
        );
        for session in ["s1", "s2"] {
            assert_eq!(
                store.session_operator(session, later).await.expect("read"),
                None
            );
        }
        assert_eq!(
            store
                .operator_by_email("ann@acme.test")
                .await
                .expect("read"),
            None
        );
        let audit = store.audit_events(None).await.expect("audit");
        let last = audit.last().expect("a record");
        assert_eq!(
            (last.kind.as_str(), last.actor.as_str()),
            ("operator_removed", "operator:ops@acme.test")
        );
        assert_eq!(last.data["sessions_ended"], 2);
        assert!(store.verify_audit().await.expect("verify").broken.is_none());
    }
}

#[tokio::test]
async fn revoking_an_api_key_deletes_it_and_is_audited() {
    let dir = tempfile::tempdir().expect("dir");
    for (store, _) in scratch::all(dir.path()).await.expect("stores") {
        let now = OffsetDateTime::now_utc();
        store
            .create_api_key("workday", "hash-w", now)
            .await
            .expect("key");
        store
            .create_api_key("scanner", "hash-s", now)
            .await
            .expect("key");
        store.use_api_key("hash-w", now).await.expect("used");
        let keys = store.list_api_keys().await.expect("list");
        let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["scanner", "workday"]);
        assert_eq!(keys[0].last_used_at, None);
        assert!(keys[1].last_used_at.is_some());

        assert!(
            !store
                .revoke_api_key("nope", &Actor::cli(), now)
                .await
                .expect("revoke")
        );
        assert!(
            store
                .revoke_api_key("workday", &Actor::cli(), now)
                .await
                .expect("revoke")
        );
        assert_eq!(store.use_api_key("hash-w", now).await.expect("read"), None);
        assert!(
            store
                .use_api_key("hash-s", now)
                .await
                .expect("read")
                .is_some()
        );
        let audit = store.audit_events(None).await.expect("audit");
        let revoked: Vec<_> = audit
            .iter()
            .filter(|r| r.kind == "api_key_revoked")
            .collect();
        assert_eq!(revoked.len(), 1);
        assert_eq!(
            (revoked[0].actor.as_str(), &revoked[0].data["name"]),
            ("cli", &serde_json::json!("workday"))
        );
    }
}
