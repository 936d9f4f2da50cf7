//! `leaver hook create|list|revoke`: the secret is printed once (last line) and opens under the
//! server's `LEAVER_SECRET_KEY` (a delivery signed with it is taken by the running server);
//! lists show names and times, never the secret; a taken name, an unknown one and a bad one
//! exit non-zero, naming the problem; a revoked source's deliveries are refused.

use crate::support::{Env, last_line, stderr, stdout};
use leaver_store::Store;
use serde_json::{Value, json};
use std::process::{Command, Output};

/// The servers' `LEAVER_SECRET_KEY`, which the command line is given too.
const SECRET_KEY: &str = "5eac0f2b8d1e4c7a9b3f6e0d2c4a8b1f7e9d3c5b2a4f6e8d0c1b3a5f7e9d2c4b";

/// One server per available database, all with [`SECRET_KEY`].
async fn envs() -> (tempfile::TempDir, Vec<Env>) {
    let options =
        leaver_testkit::Options::default().settings(|s| s.secret_key = Some(SECRET_KEY.into()));
    let (dir, kits) = leaver_testkit::apps(options).await;
    (dir, kits.into_iter().map(|kit| Env { kit }).collect())
}

/// `leaver ARGS` with this database and the servers' secret key.
fn leaver(env: &Env, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leaver"))
        .args(args)
        .env("LEAVER_DATABASE_URL", &env.db_url)
        .env("LEAVER_SECRET_KEY", SECRET_KEY)
        .env_remove("LEAVER_HUB_TOKEN")
        .output()
        .expect("leaver runs")
}

/// Posts a signed `terminated` event to the running server; its status.
async fn deliver(env: &Env, secret: &str, event_id: &str) -> u16 {
    let body = json!({"id": event_id, "type": "terminated", "data": {
        "external_id": format!("HR-{event_id}"),
        "person": {"email": "bob@acme.test", "hub_username": "bob"},
        "manager_email": "carol@acme.test"}})
    .to_string();
    let t = env.now().unix_timestamp();
    let v1 = leaver_app::hooks::signature::sign(secret, &t.to_string(), body.as_bytes());
    env.http
        .post(format!("{}/api/v1/hooks/bamboohr", env.url))
        .header("Leaver-Signature", format!("t={t},v1={v1}"))
        .body(body)
        .send()
        .await
        .expect("delivery")
        .status()
        .as_u16()
}

#[tokio::test]
async fn hook_sources_are_created_listed_and_revoked_from_the_command_line() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let backend = env.dialect;
        let created = leaver(env, &["hook", "create", "--name", "bamboohr"]);
        assert!(
            created.status.success(),
            "{backend:?}: {}",
            stderr(&created)
        );
        let secret = last_line(&created);
        assert!(
            secret.starts_with("lvrhk_") && secret.len() > 64,
            "{secret}"
        );
        assert!(stderr(&created).contains("/api/v1/hooks/bamboohr"));
        assert_eq!(deliver(env, &secret, "evt_1").await, 201, "{backend:?}");

        let listed = leaver(env, &["hook", "list"]);
        assert!(listed.status.success(), "{}", stderr(&listed));
        assert!(stdout(&listed).contains("bamboohr"), "{}", stdout(&listed));
        assert!(!stdout(&listed).contains(&secret));
        let json: Value =
            serde_json::from_str(&stdout(&leaver(env, &["hook", "list", "--json"]))).expect("json");
        assert_eq!(json[0]["name"], "bamboohr");
        assert_eq!(json[0]["revoked_at"], Value::Null);

        let again = leaver(env, &["hook", "create", "--name", "bamboohr"]);
        assert!(!again.status.success());
        assert!(stderr(&again).contains("exists"), "{}", stderr(&again));
        let bad = leaver(env, &["hook", "create", "--name", "bamboo hr"]);
        assert!(!bad.status.success());
        assert!(stderr(&bad).contains("--name:"), "{}", stderr(&bad));

        let revoked = leaver(env, &["hook", "revoke", "bamboohr"]);
        assert!(revoked.status.success(), "{}", stderr(&revoked));
        assert_eq!(deliver(env, &secret, "evt_2").await, 404, "{backend:?}");
        let json: Value =
            serde_json::from_str(&stdout(&leaver(env, &["hook", "list", "--json"]))).expect("json");
        assert!(json[0]["revoked_at"].is_string(), "{json}");
        let unknown = leaver(env, &["hook", "revoke", "bamboohr"]);
        assert!(!unknown.status.success());
        assert!(
            stderr(&unknown).contains("no hook source named"),
            "{}",
            stderr(&unknown)
        );

        let audit = env.store.audit_events(None).await.expect("audit");
        let kinds: Vec<(&str, &str)> = audit
            .iter()
            .filter(|r| r.kind.starts_with("hook_source"))
            .map(|r| (r.kind.as_str(), r.actor.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("hook_source_created", "cli"),
                ("hook_source_revoked", "cli")
            ]
        );
        assert!(audit.iter().all(|r| !r.data.to_string().contains(&secret)));
    }
}
