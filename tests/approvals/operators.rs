//! Operators are told, by email through the SMTP sink, when cases need them: a case entering
//! `needs_attention` once, many at once in one digest, a rejection too. Notices wait one digest
//! window for others (the clock is moved, nothing sleeps), and each links to its case's page.

use crate::support::mail::Mail;
use crate::support::{HOUR, MANAGER, Options, TestApp, apps, emails};
use leaver_app::model::{CaseId, CaseState};
use reqwest::StatusCode;
use std::time::Duration;

const OPS: &str = "ops@acme.test";
const ONCALL: &str = "oncall@acme.test";
const MINUTE: Duration = Duration::from_secs(60);

/// How long notices are gathered, by default.
fn window() -> Duration {
    Duration::from_secs(leaver_app::Settings::default().operator_digest_secs)
}

fn options() -> Options {
    Options {
        operators: emails(&[OPS, ONCALL]),
        manual_clock: true,
        ..Options::default()
    }
}

/// A case whose plan cannot run: the person leaving holds Leaver's own Hub token.
async fn blocked(app: &TestApp, external_id: &str) -> CaseId {
    app.open(external_id, "leaver-bot").await
}

/// The emails to the operators: every one goes to both of them.
fn to_operators(app: &TestApp) -> Vec<Mail> {
    let mails = app.mails_to(OPS);
    assert_eq!(mails, app.mails_to(ONCALL), "{:?}", app.backend);
    mails
}

#[tokio::test]
async fn a_case_entering_needs_attention_emails_the_operators_once_with_a_link_to_it() {
    let (_dir, apps) = apps(options()).await;
    for app in &apps {
        let backend = app.backend;
        let case = blocked(app, "HR-1").await;
        app.deliver().await;
        assert_eq!(app.case(case).await.state, CaseState::NeedsAttention);
        app.advance(window() - MINUTE);
        app.deliver().await;
        assert!(
            to_operators(app).is_empty(),
            "{backend:?}: within the window"
        );

        app.advance(2 * MINUTE);
        app.deliver().await;
        app.advance(HOUR);
        app.deliver().await;

        let mails = to_operators(app);
        assert_eq!(mails.len(), 1, "{backend:?}: once: {mails:#?}");
        let mail = &mails[0];
        assert_eq!(mail.mime, "multipart/alternative", "{backend:?}");
        assert!(
            mail.subject.starts_with("Leaver needs you"),
            "{}",
            mail.subject
        );
        let page = format!("{}/cases/{case}", app.url);
        assert!(mail.text.contains(&page), "{backend:?}: {}", mail.text);
        assert!(mail.html.contains(&page), "{backend:?}: {}", mail.html);
        assert!(
            mail.text
                .contains("Leaver's Hub token belongs to leaver-bot"),
            "{backend:?}: the reason: {}",
            mail.text
        );
        assert_eq!(
            app.audited(case, "operator_notified").await,
            1,
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn twenty_cases_entering_needs_attention_at_once_arrive_as_one_digest() {
    // Twenty people (one open case each) who hold nothing Leaver can see: each plan is blocked
    // until an operator confirms.
    let mut world = crate::support::world();
    for n in 0..20 {
        let user = serde_json::json!({"username": format!("idle{n}"), "email": format!("idle{n}@acme.test")});
        world["users"].as_array_mut().expect("users").push(user);
    }
    let (_dir, apps) = apps(Options {
        world: Some(world),
        ..options()
    })
    .await;
    for app in &apps {
        let backend = app.backend;
        let mut cases = Vec::new();
        for n in 0..20 {
            cases.push(app.open(&format!("HR-{n}"), &format!("idle{n}")).await);
        }
        app.deliver().await;
        app.advance(window());
        app.deliver().await;
        app.advance(HOUR);
        app.deliver().await;

        let mails = to_operators(app);
        assert_eq!(mails.len(), 1, "{backend:?}: one digest: {mails:#?}");
        let digest = &mails[0];
        assert!(digest.subject.contains("20 notices"), "{}", digest.subject);
        for case in &cases {
            let page = format!("{}/cases/{case}", app.url);
            assert_eq!(digest.text.matches(&page).count(), 1, "{backend:?}: {page}");
        }
    }
}

#[tokio::test]
async fn a_rejection_is_emailed_to_the_operators() {
    let (_dir, apps) = apps(options()).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");
        let answer = app.press(&link, "reject", "bob stays on").await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{backend:?}");
        app.deliver().await;
        app.advance(window());
        app.deliver().await;

        let mails = to_operators(app);
        assert_eq!(mails.len(), 1, "{backend:?}: {mails:#?}");
        assert!(mails[0].text.contains("is rejected"), "{}", mails[0].text);
        assert!(
            mails[0].text.contains(&format!("/cases/{case}")),
            "{}",
            mails[0].text
        );
    }
}
