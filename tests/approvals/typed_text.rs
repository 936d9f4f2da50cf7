//! What an approver types (a reject reason) and what their browser sends (`User-Agent`) obey
//! the ticket's rules for free text: a value too long, or holding NUL or another control
//! character, is refused with a 422 naming the field, and nothing is decided or stored.

use crate::support::http::computed_form_key;
use crate::support::{MANAGER, Options, apps};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ORIGIN, USER_AGENT};

#[tokio::test]
async fn a_reject_reason_with_nul_bytes_or_megabytes_of_text_decides_nothing() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");
        let huge = "no ".repeat(500_000);
        for reason in ["keep\0her access", "two\nlines", huge.as_str()] {
            let answer = app.press(&link, "reject", reason).await;
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{:?}",
                app.backend
            );
            assert!(
                answer.body.contains("reason"),
                "{:?}: names the field",
                app.backend
            );
        }
        app.assert_nothing_decided(case).await;
        assert_eq!(
            app.count_where("approval_link", "reason IS NOT NULL").await,
            0,
            "{:?}: no reason was stored",
            app.backend
        );
    }
}

#[tokio::test]
async fn a_user_agent_beyond_the_rules_decides_nothing() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");
        let token = crate::support::mail::token_of(&link.url).expect("token");
        let body = serde_urlencoded::to_string([
            ("decision", "approve"),
            ("reason", ""),
            ("csrf", &computed_form_key(&token)),
        ])
        .expect("form");
        let answer = app
            .http
            .post(&link.url)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ORIGIN, &app.url)
            .header(USER_AGENT, "Mozilla/5.0 ".repeat(100))
            .body(body)
            .send()
            .await
            .expect("POST");
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = answer.text().await.expect("body");
        assert!(
            page.contains("User-Agent"),
            "{:?}: names the field",
            app.backend
        );
        app.assert_nothing_decided(case).await;

        let fine = app.press(&link, "approve", "").await;
        assert_eq!(
            fine.status,
            StatusCode::SEE_OTHER,
            "{:?}: {}",
            app.backend,
            fine.body
        );
    }
}
