//! `leaver user list|remove` and `leaver apikey list|revoke`: lists show names and times, never
//! a secret; removing an operator ends their sessions at once; revoking a key makes the API
//! refuse it; each change (adding too) is an audit record by `cli` with no secret in it; an
//! unknown name exits non-zero, naming it.

use crate::support::*;
use leaver_app::accounts::sha256_hex;
use leaver_store::Store;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// `leaver user add --email EMAIL --password-stdin` with `password` on standard input.
fn add_user(env: &Env, email: &str, password: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaver"))
        .args(["user", "add", "--email", email, "--password-stdin"])
        .env("LEAVER_DATABASE_URL", &env.db_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("leaver runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password");
    child.wait_with_output().expect("leaver ends")
}

const PASSWORD: &str = "a long enough passphrase";

#[tokio::test]
async fn operators_are_listed_and_removed_and_their_sessions_end() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let backend = env.dialect;
        for email in ["ops@acme.test", "Ann@Acme.test"] {
            let added = add_user(env, email, PASSWORD);
            assert!(added.status.success(), "{backend:?}: {}", stderr(&added));
        }
        let audit = env.store.audit_events(None).await.expect("audit");
        let adds: Vec<(&str, &str, &Value)> = audit
            .iter()
            .map(|r| (r.kind.as_str(), r.actor.as_str(), &r.data["email"]))
            .collect();
        assert_eq!(
            adds,
            [
                ("operator_added", "cli", &Value::from("ops@acme.test")),
                ("operator_added", "cli", &Value::from("ann@acme.test")),
            ],
            "{backend:?}"
        );
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
        let trail = serde_json::to_string(&audit).expect("json");
        assert!(
            !trail.contains(PASSWORD) && !trail.contains("argon2"),
            "{backend:?}"
        );
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
        assert!(!serde_json::to_string(&audit).expect("json").contains(&key));
        let created: Vec<_> = audit
            .iter()
            .filter(|r| r.kind == "api_key_created")
            .collect();
        assert_eq!(
            created.len(),
            1,
            "{backend:?}: only the CLI's key is audited"
        );
        assert_eq!(created[0].actor, "cli");
        assert_eq!(created[0].data["name"], "workday");
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
