//! The approval email and page say what Leaver does with the tokens it holds, or that it holds
//! none, and what a person must check.

use super::{BOB_TOKEN, BOB_TOKEN_2, MANAGER, links_in, open, texts_to, token_apps, tokens_step};
use leaver_core::HubTokenValue;
use serde_json::json;

#[tokio::test]
async fn the_email_for_a_case_with_no_held_tokens_claims_no_revocation_and_says_what_to_check() {
    let (_dir, apps) = token_apps(false).await;
    for app in apps {
        open(&app, "HR-T1", "bob").await;
        app.run_pending_jobs().await;
        let texts = texts_to(&app, MANAGER);
        assert_eq!(texts.len(), 1, "{texts:?}");
        let step = tokens_step(&texts[0]);
        assert!(
            step.contains("Leaver holds no token of bob, so it revokes none itself"),
            "{step}"
        );
        assert!(
            step.contains("check each org's Tokens Management for tokens owned by bob"),
            "{step}"
        );
        assert!(!step.contains("automatically"), "{step}");
        assert!(!texts[0].contains("Revoke known tokens"), "{}", texts[0]);

        let page = app.get(&links_in(&texts[0])[0], None).await;
        assert!(
            page.body
                .contains("Leaver holds no token of bob, so it revokes none itself"),
            "{}",
            page.body
        );
    }
}

#[tokio::test]
async fn with_held_tokens_the_email_names_how_many_and_their_fingerprints_never_the_values() {
    let (_dir, apps) = token_apps(false).await;
    for app in apps {
        let id = open(&app, "HR-T2", "bob").await;
        let body = json!({ "tokens": [BOB_TOKEN, BOB_TOKEN_2] }).to_string();
        let held = app
            .api("POST", &format!("/api/v1/cases/{id}/tokens"), Some(&body))
            .await;
        assert_eq!(held.status.as_u16(), 202, "{}", held.body);
        app.run_pending_jobs().await;

        let texts = texts_to(&app, MANAGER);
        assert_eq!(texts.len(), 1, "{texts:?}");
        let step = tokens_step(&texts[0]);
        assert!(
            step.contains("the 2 raw token(s) handed to it for bob"),
            "{step}"
        );
        for raw in [BOB_TOKEN, BOB_TOKEN_2] {
            let fingerprint = HubTokenValue::parse(raw).expect("token").fingerprint();
            assert!(step.contains(&fingerprint), "{fingerprint} in {step}");
            assert!(!texts[0].contains(raw), "never the value");
        }
        assert!(step.contains("Tokens Management"), "{step}");
    }
}
