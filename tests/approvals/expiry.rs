//! An expired link decides nothing; its page offers a fresh link, which comes by email, replaces
//! the old one, and works.

use crate::support::http::form_key_in;
use crate::support::{HOUR, MANAGER, Options, apps};
use leaver_core::StepState;
use leaver_store::approvals::{ApprovalStore, hash_token};
use reqwest::StatusCode;

#[tokio::test]
async fn an_expired_link_approves_nothing_and_offers_a_fresh_link_that_works() {
    // Links live 72 hours; the clock moves past that once the request is out, and a renewed
    // link lives 72 hours from then.
    let (_dir, apps) = apps(Options {
        link_lifetime: 72 * HOUR,
        manual_clock: true,
        ..Options::default()
    })
    .await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let old = app.link_for(MANAGER, "bob");
        app.advance(73 * HOUR);

        let page = app.get(&old.url).await;
        assert_eq!(page.status, StatusCode::OK, "{backend:?}");
        assert!(
            page.body.contains("id=\"expired\"") && page.body.contains("id=\"renew\""),
            "{}",
            page.body
        );
        assert!(
            !page.body.contains("id=\"approve\""),
            "an expired link offers no approve button"
        );
        let refused = app.post_token(&old.token, "approve", "").await;
        assert_eq!(
            refused.status,
            StatusCode::CONFLICT,
            "{backend:?}: {}",
            refused.body
        );
        app.assert_nothing_decided(case).await;

        // "Send me a fresh link": a new email with a new link; the old one is replaced.
        let csrf = form_key_in(&page.body).expect("renew form key");
        let renew = async || {
            let url = format!("{}/renew", old.url);
            app.post_form(&url, Some(&app.url), &[("csrf", &csrf)])
                .await
        };
        let renewed = renew().await;
        assert_eq!(
            renewed.status,
            StatusCode::OK,
            "{backend:?}: {}",
            renewed.body
        );
        assert!(
            renewed
                .body
                .contains(&format!("A fresh link is on its way to {MANAGER}")),
            "{}",
            renewed.body
        );
        app.deliver().await;
        let fresh = app.link_for(MANAGER, "bob");
        assert_ne!(fresh.token, old.token, "{backend:?}");
        assert!(
            fresh.subject.starts_with("New approval link:"),
            "{}",
            fresh.subject
        );
        assert_eq!(
            app.audited(case, "approval_link_renewed").await,
            1,
            "{backend:?}"
        );
        let again = renew().await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "a replaced link cannot be renewed twice"
        );
        assert!(
            app.get(&old.url).await.body.contains("id=\"superseded\""),
            "{backend:?}"
        );
        app.assert_nothing_decided(case).await;

        let approved = app.press(&fresh, "approve", "").await;

        assert_eq!(
            approved.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: {}",
            approved.body
        );
        let current = app.case(case).await;
        assert!(
            current.steps.iter().all(|s| s.state == StepState::Approved),
            "{backend:?}: {:?}",
            current.steps
        );
        let old_link = app
            .store
            .link(&hash_token(&old.token))
            .await
            .expect("link")
            .expect("old link");
        assert_eq!(
            old_link.decided_at, None,
            "{backend:?}: the expired link itself stays unused"
        );
        let tokens = [old.token.clone(), fresh.token.clone()];
        assert_eq!(
            app.columns_containing(&tokens).await,
            Vec::<String>::new(),
            "{backend:?}"
        );
    }
}
