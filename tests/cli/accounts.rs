//! `leaver user list|remove` and `leaver apikey list|revoke`: lists show names and times, never
//! a secret; removing an operator ends their sessions at once; revoking a key makes the API
//! refuse it; each change is an audit record by `cli`; an unknown name exits non-zero, naming it.

use crate::support::*;
use leaver_app::accounts::sha256_hex;
use leaver_store::Store;
use serde_json::Value;

const PASSWORD: &str = "a long enough passphrase";

#[tokio::test]
async fn operators_are_listed_and_removed_and_their_sessions_end() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let backend = env.dialect;
        for email in ["ops@acme.test", "Ann@Acme.test"] {
            env.app.add_operator(email, PASSWORD).await.expect("added");
        }
        let ann = env
            .app
            .log_in("ann@acme.test", PASSWORD)
            .await
            .expect("log in")
            .expect("ann's password");
        let session = sha256_hex(&env.app.start_session(&ann).await.expect("session"));
        assert!(
            env.app
                .session_operator(&session)
                .await
                .expect("read")
                .is_some()
        );

        let listed = env.leaver(&["user", "list"]);
        assert!(listed.status.success(), "{backend:?}: {}", stderr(&listed));
        let text = stdout(&listed);
        assert!(
            text.contains("ops@acme.test") && text.contains("ann@acme.test"),
            "{text}"
        );
        assert!(!text.contains("$argon2"), "{text}");
        let json: Value =
            serde_json::from_str(&stdout(&env.leaver(&["user", "list", "--json"]))).expect("json");
        let emails: Vec<&str> = json
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|o| o["email"].as_str())
            .collect();
        assert_eq!(emails, ["ann@acme.test", "ops@acme.test"], "{backend:?}");
        assert!(json[0]["last_used_at"].is_string(), "ann logged in: {json}");

        let removed = env.leaver(&["user", "remove", "--email", "ANN@acme.test"]);
        assert!(
            removed.status.success(),
            "{backend:?}: {}",
            stderr(&removed)
        );
        assert_eq!(
            env.app.session_operator(&session).await.expect("read"),
            None,
            "{backend:?}: ann's session ended"
        );
        assert_eq!(
            env.app
                .log_in("ann@acme.test", PASSWORD)
                .await
                .expect("read"),
            None
        );
        assert!(!stdout(&env.leaver(&["user", "list"])).contains("ann@acme.test"));

        let unknown = env.leaver(&["user", "remove", "--email", "ann@acme.test"]);
        assert!(!unknown.status.success(), "{backend:?}");
        assert!(
            stderr(&unknown).contains("no operator has the email"),
            "{}",
            stderr(&unknown)
        );

        let audit = env.store.audit_events(None).await.expect("audit");
        let removals: Vec<_> = audit
            .iter()
            .filter(|r| r.kind == "operator_removed")
            .collect();
        assert_eq!(removals.len(), 1, "{backend:?}");
        assert_eq!(removals[0].actor, "cli");
        assert_eq!(removals[0].data["email"], "ann@acme.test");
        assert_eq!(removals[0].data["sessions_ended"], 1);
    }
}

#[tokio::test]
async fn api_keys_are_listed_without_the_key_and_revoked() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let backend = env.dialect;
        let created = env.leaver(&["apikey", "create", "--name", "workday"]);
        assert!(
            created.status.success(),
            "{backend:?}: {}",
            stderr(&created)
        );
        let key = last_line(&created);
        assert!(env.app.api_client(&key).await.expect("read").is_some());
        env.app.create_api_key("scanner").await.expect("second key");

        let listed = env.leaver(&["apikey", "list"]);
        assert!(listed.status.success(), "{backend:?}: {}", stderr(&listed));
        let text = stdout(&listed);
        assert!(
            text.contains("workday") && text.contains("scanner"),
            "{text}"
        );
        assert!(!text.contains(&key), "{backend:?}: the key is shown");
        let json: Value = serde_json::from_str(&stdout(&env.leaver(&["apikey", "list", "--json"])))
            .expect("json");
        let names: Vec<&str> = json
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|k| k["name"].as_str())
            .collect();
        assert_eq!(names, ["scanner", "workday"], "{backend:?}");
        assert!(!json.to_string().contains(&key));

        let revoked = env.leaver(&["apikey", "revoke", "--name", "workday"]);
        assert!(
            revoked.status.success(),
            "{backend:?}: {}",
            stderr(&revoked)
        );
        assert_eq!(
            env.app.api_client(&key).await.expect("read"),
            None,
            "{backend:?}"
        );
        assert!(!stdout(&env.leaver(&["apikey", "list"])).contains("workday"));

        let again = env.leaver(&["apikey", "revoke", "--name", "workday"]);
        assert!(!again.status.success(), "{backend:?}");
        assert!(
            stderr(&again).contains("no API key is named \"workday\""),
            "{}",
            stderr(&again)
        );

        let audit = env.store.audit_events(None).await.expect("audit");
        let revocations: Vec<_> = audit
            .iter()
            .filter(|r| r.kind == "api_key_revoked")
            .collect();
        assert_eq!(revocations.len(), 1, "{backend:?}");
        assert_eq!(revocations[0].actor, "cli");
        assert_eq!(revocations[0].data["name"], "workday");
        assert!(
            env.store
                .verify_audit()
                .await
                .expect("verify")
                .broken
                .is_none()
        );
    }
}
