//! `leaver audit verify` against an intact trail, an edited row and a deleted row.

use crate::support::*;

#[tokio::test]
async fn audit_verify_passes_on_an_intact_trail() {
    let (_dir, envs) = envs().await;
    for env in &envs {
        let id = last_line(&env.leaver(BOB));
        assert!(env.leaver(&["case", "cancel", &id]).status.success());
        let verify = env.leaver(&["audit", "verify"]);
        assert!(verify.status.success(), "{}", stderr(&verify));
        assert!(
            stdout(&verify).contains("intact: 2 records"),
            "{}",
            stdout(&verify)
        );
    }
}

/// Opens three cases, tampers with the trail through `sql`, and returns what `audit verify` said.
async fn verify_after(sql: &'static str) -> Vec<(bool, String)> {
    let (_dir, envs) = envs().await;
    let mut outcomes = Vec::new();
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
        sqlx::query(sql)
            .execute(env.store.pool())
            .await
            .expect("tamper");
        let verify = env.leaver(&["audit", "verify"]);
        outcomes.push((verify.status.success(), stderr(&verify)));
    }
    outcomes
}

#[tokio::test]
async fn an_edited_row_makes_audit_verify_fail_naming_the_first_broken_record() {
    for (ok, err) in
        verify_after("UPDATE audit_event SET data = replace(data, 'bob', 'eve') WHERE seq = 2")
            .await
    {
        assert!(!ok);
        assert!(err.contains("BROKEN at record 2"), "{err}");
    }
}

#[tokio::test]
async fn a_deleted_row_makes_audit_verify_fail_naming_the_gap() {
    for (ok, err) in verify_after("DELETE FROM audit_event WHERE seq = 1").await {
        assert!(!ok);
        assert!(
            err.contains("BROKEN at record 1: record 1 is missing"),
            "{err}"
        );
    }
}
