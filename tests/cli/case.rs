//! `leaver case ...`: opening with good and bad input, listing, showing, cancelling.

use crate::support::*;
use serde_json::Value;

#[tokio::test]
async fn opening_a_case_prints_its_id_last_and_a_replay_prints_the_same_id() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let first = env.leaver(BOB);
        assert!(first.status.success(), "{}", stderr(&first));
        let id = last_line(&first);
        assert_eq!(id.len(), 36, "a UUID: {id}");
        let again = env.leaver(BOB);
        assert!(again.status.success());
        assert_eq!(last_line(&again), id);
        assert!(stderr(&again).contains("already exists"));
        assert_eq!(env.count("offboarding_case").await, 1);
    }
}

#[tokio::test]
async fn the_same_ticket_id_with_different_content_is_refused() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        assert!(env.leaver(BOB).status.success());
        let mut other = BOB.to_vec();
        other[7] = "dave";
        let conflict = env.leaver(&other);
        assert!(!conflict.status.success());
        assert!(
            stderr(&conflict).contains("HR-1042 already exists with different content"),
            "{}",
            stderr(&conflict)
        );
        assert_eq!(env.count("offboarding_case").await, 1);
    }
}

#[tokio::test]
async fn bad_input_names_every_wrong_field_exits_non_zero_and_writes_nothing() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        assert!(env.leaver(BOB).status.success());
        let audit_before = env.count("audit_event").await;
        let bad = env.leaver(&[
            "case",
            "open",
            "--external-id",
            "HR-2",
            "--email",
            "bob-at-acme",
            "--hub-user",
            "-bob",
            "--effective-at",
            "next tuesday",
        ]);
        assert!(!bad.status.success());
        let err = stderr(&bad);
        for expected in [
            "--email (email): \"bob-at-acme\" has no '@'",
            "--hub-user (hub_username): may not start or end",
            "--manager (manager_email): is required",
            "--effective-at (effective_at)",
            "nothing was written",
        ] {
            assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
        }
        assert_eq!(stdout(&bad), "", "no id printed");
        assert_eq!(env.count("offboarding_case").await, 1);
        assert_eq!(env.count("audit_event").await, audit_before);
        assert_eq!(
            env.count("job").await,
            1,
            "only the first case's planning job"
        );
    }
}

#[tokio::test]
async fn bad_input_on_a_new_machine_does_not_even_create_the_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("fresh.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_leaver"))
        .args([
            "case",
            "open",
            "--external-id",
            "HR-9",
            "--email",
            "x@acme.test",
            "--hub-user",
            "x y",
            "--manager",
            "m@acme.test",
        ])
        .env("LEAVER_DATABASE_URL", format!("sqlite://{}", db.display()))
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--hub-user (hub_username)"));
    assert!(!db.exists(), "nothing written, not even an empty database");
}

#[tokio::test]
async fn list_and_show_print_the_rest_api_representation() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let id = last_line(&env.leaver(BOB));
        let list: Value =
            serde_json::from_str(&stdout(&env.leaver(&["case", "list", "--json"]))).expect("json");
        assert_eq!(list.as_array().map(Vec::len), Some(1));
        let show: Value =
            serde_json::from_str(&stdout(&env.leaver(&["case", "show", &id, "--json"])))
                .expect("json");
        assert_eq!(show, list[0]);
        assert_eq!(show["id"], id.as_str());
        assert_eq!(show["external_id"], "HR-1042");
        assert_eq!(show["state"], "planning");
        assert_eq!(show["person"]["hub_username"], "bob");
        assert_eq!(show["person"]["email"], "bob@acme.test");
        assert_eq!(show["manager_email"], "carol@acme.test");
        assert_eq!(show["effective_at"], "2036-12-01T17:00:00Z");
        assert!(show["steps"].is_array());
        let filtered = stdout(&env.leaver(&["case", "list", "--state", "completed", "--json"]));
        assert_eq!(
            serde_json::from_str::<Value>(&filtered).expect("json"),
            Value::Array(vec![])
        );
        let bad_state = env.leaver(&["case", "list", "--state", "done"]);
        assert!(!bad_state.status.success() && stderr(&bad_state).contains("--state"));
        let table = stdout(&env.leaver(&["case", "list"]));
        assert!(table.contains(&id) && table.contains("HR-1042") && table.contains("planning"));
    }
}

#[tokio::test]
async fn cancelling_a_case_closes_it_and_a_second_cancel_is_refused() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let id = last_line(&env.leaver(BOB));
        let cancel = env.leaver(&["case", "cancel", &id, "--reason", "rehired"]);
        assert!(cancel.status.success(), "{}", stderr(&cancel));
        assert!(stdout(&cancel).contains("cancelled"));
        let again = env.leaver(&["case", "cancel", &id]);
        assert!(!again.status.success());
        assert!(
            stderr(&again).contains("case is cancelled"),
            "{}",
            stderr(&again)
        );
        let missing = env.leaver(&["case", "show", "not-a-uuid"]);
        assert!(!missing.status.success() && stderr(&missing).contains("is not a case id"));
    }
}
