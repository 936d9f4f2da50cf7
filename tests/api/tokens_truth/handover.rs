//! Raw tokens handed over from the case page and from the CLI are held sealed, named by
//! fingerprint only, and revoked on the Hub by the case.

use super::{BOB_TOKEN, BOB_TOKEN_2, SECRET_KEY, approve_all, open, token_apps, whoami};
use crate::support::{TestApp, stderr, stdout};
use leaver_core::{CaseState, HubTokenValue};
use leaver_store::Store;
use reqwest::StatusCode;
use sqlx::Row;
use std::io::Write;
use std::process::{Command, Stdio};

/// No column of the tables that could hold it contains `raw`.
async fn nowhere_in_clear(app: &TestApp, raw: &str) {
    for (table, column) in [
        ("held_token", "sealed"),
        ("held_token", "fingerprint"),
        ("audit_event", "data"),
        ("step", "note"),
        ("step", "instructions"),
        ("job", "payload"),
    ] {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {column} AS v FROM {table}"
        )))
        .fetch_all(app.store.pool())
        .await
        .expect("rows");
        for row in rows {
            let value: Option<String> = row.try_get("v").expect("text");
            assert!(
                !value.unwrap_or_default().contains(raw),
                "{table}.{column} holds a token in clear"
            );
        }
    }
}

#[tokio::test]
async fn tokens_handed_over_on_the_case_page_are_revoked_on_the_hub_and_never_shown() {
    let (_dir, apps) = token_apps(false).await;
    for app in apps {
        let id = open(&app, "HR-H1", "bob").await;
        app.run_pending_jobs().await;
        let session = app.login().await;
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        assert!(
            page.body.contains("Leaver holds no raw token of bob"),
            "{}",
            page.body
        );
        assert!(page.body.contains("name=\"tokens\""), "the form is offered");

        let lines = format!("{BOB_TOKEN}\r\n\r\n  {BOB_TOKEN_2}  \n");
        let sent = app
            .submit(
                &session,
                &format!("/cases/{id}/tokens"),
                &[("tokens", &lines)],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let location = sent.location.clone().unwrap_or_default();
        assert!(!location.contains("hf_"), "{location}");
        let page = app.get(&location, Some(&session)).await;
        assert!(
            page.body.contains("Leaver holds 2 raw token(s)"),
            "{}",
            page.body
        );
        for raw in [BOB_TOKEN, BOB_TOKEN_2] {
            let fingerprint = HubTokenValue::parse(raw).expect("token").fingerprint();
            assert!(page.body.contains(&fingerprint), "{fingerprint}");
            assert!(!page.body.contains(raw), "never echoed");
        }
        let refused = app
            .submit(
                &session,
                &format!("/cases/{id}/tokens"),
                &[("tokens", "ghp_notahubtoken1234")],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert!(refused.body.contains("tokens[0]"), "{}", refused.body);
        assert!(
            !refused.body.contains("ghp_notahubtoken1234"),
            "never echoed"
        );

        assert_eq!(
            whoami(&app, BOB_TOKEN).await,
            StatusCode::OK,
            "not before approval"
        );
        approve_all(&app).await;
        app.run_until(id, |s| s == CaseState::Completed).await;
        assert_eq!(
            whoami(&app, BOB_TOKEN).await,
            StatusCode::UNAUTHORIZED,
            "revoked"
        );
        assert_eq!(
            whoami(&app, BOB_TOKEN_2).await,
            StatusCode::UNAUTHORIZED,
            "revoked"
        );
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        assert!(page.body.contains("revoked"));
        assert!(!page.body.contains(BOB_TOKEN) && !page.body.contains(BOB_TOKEN_2));
        nowhere_in_clear(&app, BOB_TOKEN).await;
        nowhere_in_clear(&app, BOB_TOKEN_2).await;
        let trail = app.store.audit_events(Some(id)).await.expect("trail");
        assert!(
            trail
                .iter()
                .any(|r| r.kind == "tokens_held" && r.actor.starts_with("operator:"))
        );
    }
}

#[tokio::test]
async fn tokens_handed_over_through_the_cli_on_stdin_are_revoked_on_the_hub_and_never_printed() {
    let (_dir, apps) = token_apps(false).await;
    for app in apps {
        let id = open(&app, "HR-H2", "bob").await;
        app.run_pending_jobs().await;
        let mut child = Command::new(env!("CARGO_BIN_EXE_leaver"))
            .args(["case", "tokens", &id.to_string(), "--stdin"])
            .env("LEAVER_DATABASE_URL", &app.db_url)
            .env("LEAVER_SECRET_KEY", SECRET_KEY)
            .env("LEAVER_HUB_URL", &app.hub_url)
            .env("LEAVER_HUB_TOKEN", leaver_testkit::HUB_TOKEN)
            .env("LEAVER_ORGS", "acme-ai")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("leaver runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{BOB_TOKEN}\n\n").as_bytes())
            .expect("write");
        let output = child.wait_with_output().expect("leaver ends");
        let (out, err) = (stdout(&output), stderr(&output));
        assert!(output.status.success(), "{out}{err}");
        let fingerprint = HubTokenValue::parse(BOB_TOKEN)
            .expect("token")
            .fingerprint();
        assert!(out.contains(&fingerprint), "{out}");
        assert!(out.contains("1 token(s) handed over, 1 new"), "{out}");
        assert!(
            !out.contains(BOB_TOKEN) && !err.contains(BOB_TOKEN),
            "never printed"
        );

        let on_argv = app.leaver(
            &["case", "tokens", &id.to_string(), "--stdin", BOB_TOKEN_2],
            "",
        );
        assert!(
            !on_argv.status.success(),
            "a token on the command line is refused"
        );
        let said = format!("{}{}", stdout(&on_argv), stderr(&on_argv));
        assert!(said.contains("never taken on the command line"), "{said}");
        assert!(!said.contains(BOB_TOKEN_2), "and not repeated: {said}");
        approve_all(&app).await;
        app.run_until(id, |s| s == CaseState::Completed).await;
        assert_eq!(
            whoami(&app, BOB_TOKEN).await,
            StatusCode::UNAUTHORIZED,
            "revoked"
        );
        assert_eq!(
            whoami(&app, BOB_TOKEN_2).await,
            StatusCode::OK,
            "not handed over"
        );
        nowhere_in_clear(&app, BOB_TOKEN).await;
        let trail = app.store.audit_events(Some(id)).await.expect("trail");
        assert!(
            trail
                .iter()
                .any(|r| r.kind == "tokens_held" && r.actor == "cli")
        );
    }
}
