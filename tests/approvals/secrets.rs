//! Link secrets live only in the emails: after a full run (requests, reminders, escalation, a
//! decision, a rejection, the engine carrying out the plan) the database holds their hashes and
//! nowhere, in no column of any table, the secrets themselves.

use crate::support::mail::approval_urls;
use crate::support::mail::token_of;
use crate::support::{HOUR, MANAGER, Options, apps, emails};
use leaver_core::CaseState;
use leaver_store::approvals::{ApprovalStore, hash_token};
use reqwest::StatusCode;

#[tokio::test]
async fn no_link_secret_is_stored_in_clear_anywhere_in_the_database() {
    let options = Options {
        security: emails(&["sec@acme.test"]),
        escalate_to: emails(&["ciso@acme.test"]),
        link_lifetime: 30 * 24 * HOUR,
        manual_clock: true,
        ..Options::default()
    };
    let (_dir, apps) = apps(options).await;
    for app in &apps {
        let backend = app.backend;
        let approved = app.open_and_ask("HR-1", "bob").await;
        let rejected = app.open_and_ask("HR-2", "frank").await;
        app.advance(25 * HOUR);
        app.deliver().await;
        app.advance(24 * HOUR);
        app.deliver().await;
        for approver in [MANAGER, "sec@acme.test"] {
            let answer = app
                .press(&app.link_for(approver, "bob"), "approve", "")
                .await;
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{backend:?}");
        }
        let answer = app
            .press(
                &app.link_for("ciso@acme.test", "frank"),
                "reject",
                "not this week",
            )
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{backend:?}");
        let done = app
            .run_until(approved, |s| {
                s.is_closed() || s == CaseState::NeedsAttention
            })
            .await;
        assert_eq!(done.state, CaseState::Completed, "{backend:?}");
        assert_eq!(
            app.case(rejected).await.state,
            CaseState::NeedsAttention,
            "{backend:?}"
        );

        let mut tokens: Vec<String> = Vec::new();
        for mail in app.mails() {
            for url in approval_urls(&mail.text)
                .into_iter()
                .chain(approval_urls(&mail.html))
            {
                let token = token_of(&url).expect("token");
                if !tokens.contains(&token) {
                    tokens.push(token);
                }
            }
        }
        let links = app.store.links_of(approved).await.expect("links").len()
            + app.store.links_of(rejected).await.expect("links").len();
        assert_eq!(
            tokens.len(),
            links,
            "{backend:?}: one secret per link, all of them emailed"
        );
        assert!(
            links >= 6,
            "{backend:?}: requests and escalations for two cases"
        );

        let in_clear = app.columns_containing(&tokens).await;

        assert_eq!(
            in_clear,
            Vec::<String>::new(),
            "{backend:?}: secrets stored in clear"
        );
        let hashes: Vec<String> = tokens.iter().map(|t| hash_token(t)).collect();
        let stored = app.columns_containing(&hashes).await;
        assert_eq!(
            stored,
            vec!["approval_link.token_hash".to_owned()],
            "{backend:?}"
        );
        for token in &tokens {
            assert!(
                app.store
                    .link(&hash_token(token))
                    .await
                    .expect("lookup")
                    .is_some(),
                "{backend:?}"
            );
        }
    }
}
