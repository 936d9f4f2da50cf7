//! `leaver audit export` refuses a bad or reversed period naming the flag (never a panic), and
//! `leaver audit verify` reads the whole chain: a record edited before the pages' verified-up-to
//! mark is still found, and the mark is reset so that pages and exports report it too.

use crate::support::*;
use serde_json::Value;
use sqlx::Row;

#[tokio::test]
async fn audit_export_refuses_a_bad_or_reversed_period_naming_the_flag() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        for (args, flag) in [
            (&["--to", "9999-12-31"][..], "--to"),
            (&["--from", "9999-12-31"][..], "--from"),
            (&["--to", "9999-12-31T23:59:59-23:59"][..], "--to"),
            (
                &["--from", "2026-12-01", "--to", "2026-11-01"][..],
                "--from",
            ),
            (&["--from", "yesterday"][..], "--from"),
        ] {
            let mut command = vec!["audit", "export", "--format", "csv"];
            command.extend_from_slice(args);
            let refused = env.leaver(&command);
            let err = stderr(&refused);
            assert!(!refused.status.success(), "{args:?}");
            assert!(
                err.contains(&format!("{flag}: ")),
                "{args:?} names {flag}: {err}"
            );
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            assert!(stdout(&refused).is_empty(), "{args:?} writes nothing");
        }
        let fine = env.leaver(&[
            "audit",
            "export",
            "--from",
            "2026-01-01",
            "--to",
            "9998-12-31",
        ]);
        assert!(fine.status.success(), "{}", stderr(&fine));
        let export: Value = serde_json::from_str(&stdout(&fine)).expect("json");
        assert_eq!(export["cases"].as_array().map(Vec::len), Some(0));
    }
}

/// The chain as the CLI's period export reports it.
fn exported_chain(env: &Env) -> Value {
    let export = env.leaver(&["audit", "export", "--format", "json"]);
    assert!(export.status.success(), "{}", stderr(&export));
    let export: Value = serde_json::from_str(&stdout(&export)).expect("json");
    export["chain"].clone()
}

#[tokio::test]
async fn audit_verify_finds_an_edit_before_the_verified_mark_and_resets_it() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        for n in 0..3 {
            let mut args = BOB.to_vec();
            let ticket = format!("HR-{n}");
            args[3] = &ticket;
            // One open case per person: three people.
            let user = format!("user{n}");
            args[7] = &user;
            assert!(env.leaver(&args).status.success());
        }
        assert_eq!(exported_chain(env)["records"], 3);
        let mark = || async {
            let row = sqlx::query("SELECT seq FROM audit_verified WHERE id = 1")
                .fetch_one(env.store.pool())
                .await
                .expect("mark");
            row.try_get::<i64, _>("seq").expect("seq")
        };
        assert_eq!(mark().await, 3, "the export moved the mark");

        sqlx::query("UPDATE audit_event SET data = replace(data, 'bob', 'eve') WHERE seq = 2")
            .execute(env.store.pool())
            .await
            .expect("tamper");
        let verify = env.leaver(&["audit", "verify"]);
        assert!(!verify.status.success());
        assert!(
            stderr(&verify).contains("BROKEN at record 2"),
            "{}",
            stderr(&verify)
        );
        assert_eq!(mark().await, 0, "the full check reset the mark");
        assert_eq!(
            exported_chain(env)["broken"]["seq"],
            2,
            "exports see it now"
        );
        assert_eq!(mark().await, 1, "and the mark stops before the break");
    }
}
