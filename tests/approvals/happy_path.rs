//! The whole way: a case opens, the engine plans it and emails the manager over SMTP, the
//! manager opens the link (nothing changes), approves, and the engine carries the plan out.

use crate::support::http::form_key_in;
use crate::support::{MANAGER, Options, apps};
use leaver_core::{CaseState, StepState};
use leaver_store::approvals::ApprovalStore;
use leaver_web::views::when;
use reqwest::StatusCode;

#[tokio::test]
async fn an_emailed_link_approves_the_plan_and_the_engine_carries_it_out() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let backend = app.backend;
        // Arrange: a case, planned, its approval email delivered over SMTP.
        assert!(app.is_member("bob").await);
        let case = app.open("HR-1", "bob").await;
        app.deliver().await;
        assert_eq!(
            app.case(case).await.state,
            CaseState::AwaitingApproval,
            "{backend:?}"
        );
        let mails = app.mails_to(MANAGER);
        assert_eq!(mails.len(), 1, "{backend:?}: {mails:#?}");
        let mail = &mails[0];
        assert_eq!(mail.mime, "multipart/alternative", "{backend:?}");
        assert_eq!(
            (mail.text_mime.as_str(), mail.html_mime.as_str()),
            ("text/plain", "text/html")
        );
        assert!(
            mail.subject.starts_with("Approval needed: offboarding"),
            "{}",
            mail.subject
        );
        assert!(mail.subject.contains("(bob)"), "{}", mail.subject);
        assert!(
            mail.text.contains("bob@acme.test") && mail.text.contains("acme-ai"),
            "{}",
            mail.text
        );
        let link = app.link_for(MANAGER, "bob");
        assert!(
            link.url.starts_with(&format!("{}/approvals/", app.url)),
            "{}",
            link.url
        );
        assert!(
            mail.html.contains(&link.url),
            "the HTML body carries the same link"
        );
        assert!(
            mail.text
                .contains(&format!("{}?decision=approve", link.url)),
            "{}",
            mail.text
        );
        assert!(
            mail.text.contains(&format!("{}?decision=reject", link.url)),
            "{}",
            mail.text
        );

        // Opening (GET) and prefetching (HEAD) the link change nothing.
        let audit_before = app.count("audit_event").await;
        let page = app.get(&format!("{}?decision=approve", link.url)).await;
        assert_eq!(page.status, StatusCode::OK, "{backend:?}");
        assert_eq!(page.cache_control.as_deref(), Some("no-store"));
        assert!(page.body.contains("id=\"approve\""), "{}", page.body);
        let head = app.head(&link.url).await;
        assert_eq!(head.status, StatusCode::OK, "{backend:?}");
        app.assert_nothing_decided(case).await;
        assert_eq!(
            app.count("audit_event").await,
            audit_before,
            "{backend:?}: GET/HEAD wrote nothing"
        );

        // Act: the manager presses Approve (the page's form key, our origin).
        let csrf = form_key_in(&page.body).expect("form key");
        let form = crate::support::http::Decision {
            decision: "approve",
            reason: "",
            csrf: Some(&csrf),
            origin: Some(&app.url),
        };
        let answer = app.decide(&link.url, &form).await;

        // Assert: 303 back to the page; every step approved; the engine finishes the plan.
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: {}",
            answer.body
        );
        assert_eq!(
            answer.location.as_deref(),
            Some(format!("/approvals/{}", link.token).as_str())
        );
        let approved = app.case(case).await;
        assert!(
            approved
                .steps
                .iter()
                .all(|s| s.state != StepState::AwaitingApproval),
            "{backend:?}: {:?}",
            approved.steps
        );
        assert_eq!(
            app.audited(case, "approval_decided").await,
            1,
            "{backend:?}"
        );
        let done = app
            .run_until(case, |s| s.is_closed() || s == CaseState::NeedsAttention)
            .await;
        assert_eq!(
            done.state,
            CaseState::Completed,
            "{backend:?}: {:#?}",
            done.steps
        );
        assert!(
            done.steps.iter().all(|s| s.state == StepState::Succeeded),
            "{backend:?}"
        );
        assert!(
            !app.is_member("bob").await,
            "{backend:?}: hubsim no longer lists bob in acme-ai"
        );

        let decided = app.store.links_of(case).await.expect("links");
        let decided_at = decided[0].decided_at.expect("decided");
        let again = app.get(&link.url).await;
        assert_eq!(again.status, StatusCode::OK, "{backend:?}");
        let says = format!(
            "<strong>Approved</strong> by {MANAGER} at {}",
            when(decided_at)
        );
        assert!(again.body.contains(&says), "{backend:?}: {}", again.body);
        assert!(
            form_key_in(&again.body).is_none(),
            "a decided link offers no form"
        );
    }
}
