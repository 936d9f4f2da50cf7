//! The person's check of Tokens Management: shown on the case page until given, recorded with
//! who and when (audited, in the evidence), given once; waited for only when required.

use super::{SECRET_KEY, approve_all, case, open, token_apps};
use crate::support::{OPERATOR, stderr, stdout};
use leaver_core::{CaseState, StepKind, StepState};
use leaver_store::Store;
use reqwest::StatusCode;
use std::process::Command;

#[tokio::test]
async fn the_acknowledgement_is_shown_until_given_then_recorded_with_who_and_when_in_the_evidence()
{
    let (_dir, apps) = token_apps(false).await;
    for app in apps {
        let id = open(&app, "HR-A1", "bob").await;
        app.run_pending_jobs().await;
        approve_all(&app).await;
        let done = app.run_until(id, |s| s == CaseState::Completed).await;
        assert_eq!(done.tokens_ack, None, "completes without it by default");
        let tokens = done
            .steps
            .iter()
            .find(|s| s.kind == StepKind::FlagTokens)
            .expect("flag_tokens");
        let note = tokens.note.clone().unwrap_or_default();
        assert!(note.contains("Leaver held no raw token of bob"), "{note}");
        assert!(
            note.contains("tracked on the case until acknowledged"),
            "{note}"
        );

        let session = app.login().await;
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        assert!(page.body.contains("Not acknowledged yet"), "{}", page.body);
        assert!(page.body.contains("I checked Tokens Management"));
        assert!(
            page.body.contains(
                "https://huggingface.co/organizations/acme-ai/settings/tokens-management"
            )
        );
        let shown = app.leaver(&["case", "show", &id.to_string()], "");
        assert!(
            stdout(&shown).contains("Tokens Management not checked yet"),
            "{}{}",
            stdout(&shown),
            stderr(&shown)
        );

        let pressed = app
            .submit(&session, &format!("/cases/{id}/tokens/acknowledge"), &[])
            .await;
        assert_eq!(pressed.status, StatusCode::SEE_OTHER, "{}", pressed.body);
        let acked = case(&app, id).await;
        let ack = acked.tokens_ack.clone().expect("recorded");
        assert_eq!(ack.by, format!("operator:{OPERATOR}"));
        assert!(ack.at >= done.updated_at);
        assert_eq!(acked.state, CaseState::Completed);
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        assert!(
            page.body.contains(&format!(
                "Tokens Management checked by operator:{OPERATOR} at"
            )),
            "{}",
            page.body
        );
        assert!(!page.body.contains("Not acknowledged yet"));

        let again = app
            .api(
                "POST",
                &format!("/api/v1/cases/{id}/tokens/acknowledge"),
                None,
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        let shown = app
            .api("GET", &format!("/api/v1/cases/{id}"), None)
            .await
            .json();
        assert_eq!(shown["tokens_ack"]["by"], format!("operator:{OPERATOR}"));

        let trail = app.store.audit_events(Some(id)).await.expect("trail");
        let acks: Vec<_> = trail
            .iter()
            .filter(|r| r.kind == "tokens_acknowledged")
            .collect();
        assert_eq!(acks.len(), 1, "audited once");
        assert_eq!(acks[0].actor, format!("operator:{OPERATOR}"));

        for (format, expected) in [
            (
                "html",
                format!("Tokens Management: checked by operator:{OPERATOR} at"),
            ),
            ("csv", "tokens_acknowledged".to_owned()),
        ] {
            let export = app
                .get(
                    &format!("/cases/{id}/evidence?format={format}"),
                    Some(&session),
                )
                .await;
            assert_eq!(export.status, StatusCode::OK, "{format}");
            assert!(export.body.contains(&expected), "{format}: {}", export.body);
        }
        let evidence = app
            .get(&format!("/cases/{id}/evidence?format=json"), Some(&session))
            .await;
        assert_eq!(evidence.status, StatusCode::OK);
        let evidence = evidence.json();
        let text = evidence.to_string();
        assert!(text.contains("tokens_acknowledged"), "{text}");
        assert!(
            text.contains(&format!("\"by\":\"operator:{OPERATOR}\"")),
            "{text}"
        );
    }
}

#[tokio::test]
async fn with_the_ack_required_the_case_waits_until_acknowledged_then_completes() {
    let (_dir, apps) = token_apps(true).await;
    for app in apps {
        let id = open(&app, "HR-A2", "bob").await;
        app.run_pending_jobs().await;
        approve_all(&app).await;
        let waiting = app.run_until(id, |s| s == CaseState::NeedsAttention).await;
        let tokens = waiting
            .steps
            .iter()
            .find(|s| s.kind == StepKind::FlagTokens)
            .expect("flag_tokens");
        assert_eq!(tokens.state, StepState::WaitingManual, "{waiting:#?}");
        let told = tokens.instructions.clone().unwrap_or_default();
        assert!(
            told.contains("Waiting for a person to check Tokens Management"),
            "{told}"
        );
        app.run_pending_jobs().await;
        assert_eq!(
            case(&app, id).await.state,
            CaseState::NeedsAttention,
            "still waits"
        );

        // The CLI's acknowledgement, against the same database.
        let output = Command::new(env!("CARGO_BIN_EXE_leaver"))
            .args(["case", "tokens-ack", &id.to_string()])
            .env("LEAVER_DATABASE_URL", &app.db_url)
            .env("LEAVER_SECRET_KEY", SECRET_KEY)
            .env_remove("LEAVER_HUB_TOKEN")
            .output()
            .expect("leaver runs");
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(
            stdout(&output).contains("Tokens Management checked by cli"),
            "{}",
            stdout(&output)
        );
        let done = app.run_until(id, |s| s == CaseState::Completed).await;
        assert_eq!(done.tokens_ack.map(|a| a.by), Some("cli".to_owned()));
        let tokens = done
            .steps
            .iter()
            .find(|s| s.kind == StepKind::FlagTokens)
            .expect("flag_tokens");
        assert_eq!(tokens.state, StepState::Succeeded);
        assert!(
            tokens
                .note
                .as_deref()
                .unwrap_or_default()
                .contains("Tokens Management checked by cli"),
            "{tokens:#?}"
        );
    }
}
