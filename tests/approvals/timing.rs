//! Reminders and escalation on an injected clock: nothing before its time, exactly one email
//! per open link just after it, and the escalation target's yes settles the request. Links live
//! 30 days so that the web (which checks expiry on the wall clock) accepts them.

use crate::support::{HOUR, MANAGER, Options, apps, emails};
use leaver_core::CaseState;
use leaver_core::approval::RequestState;
use leaver_store::approvals::ApprovalStore;
use reqwest::StatusCode;
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);

fn options(security: &[&str], escalate_to: &[&str]) -> Options {
    Options {
        security: emails(security),
        escalate_to: emails(escalate_to),
        link_lifetime: 30 * 24 * HOUR,
        manual_clock: true,
        ..Options::default()
    }
}

fn reminders(subjects: &[String]) -> usize {
    subjects
        .iter()
        .filter(|s| s.starts_with("Reminder:"))
        .count()
}

#[tokio::test]
async fn one_reminder_per_open_link_follows_the_quiet_interval_and_none_comes_before() {
    let (_dir, apps) = apps(options(&["sec@acme.test"], &[])).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let open_links = app.store.links_of(case).await.expect("links").len();
        assert_eq!(
            open_links, 2,
            "{backend:?}: the manager and the security group"
        );
        let subjects = || {
            app.mails()
                .into_iter()
                .map(|m| m.subject)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            (subjects().len(), reminders(&subjects())),
            (2, 0),
            "{backend:?}"
        );

        app.advance(24 * HOUR - MINUTE);
        app.deliver().await;
        assert_eq!(
            (subjects().len(), reminders(&subjects())),
            (2, 0),
            "{backend:?}: too early"
        );
        assert_eq!(
            app.audited(case, "approval_reminded").await,
            0,
            "{backend:?}"
        );

        app.advance(2 * MINUTE);
        app.deliver().await;
        app.deliver().await;

        assert_eq!(
            (subjects().len(), reminders(&subjects())),
            (4, 2),
            "{backend:?}: {:?}",
            subjects()
        );
        assert_eq!(
            app.audited(case, "approval_reminded").await,
            2,
            "{backend:?}"
        );
        for approver in [MANAGER, "sec@acme.test"] {
            let sent = app.mails_to(approver);
            assert_eq!(sent.len(), 2, "{backend:?}: {approver}");
            assert!(
                sent[1].subject.starts_with("Reminder: Approval needed"),
                "{}",
                sent[1].subject
            );
            let links = app.approval_links(approver);
            assert_eq!(
                links.len(),
                1,
                "{backend:?}: the reminder carries the same link"
            );
        }

        app.advance(23 * HOUR);
        app.deliver().await;
        assert_eq!(
            reminders(&subjects()),
            2,
            "{backend:?}: the next one waits a whole interval"
        );
    }
}

#[tokio::test]
async fn past_the_escalation_delay_the_target_is_asked_and_their_yes_settles_the_request() {
    let (_dir, apps) = apps(options(&[], &["ciso@acme.test"])).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;

        app.advance(48 * HOUR - MINUTE);
        app.deliver().await;
        assert!(
            app.mails_to("ciso@acme.test").is_empty(),
            "{backend:?}: too early"
        );
        assert_eq!(
            app.audited(case, "approval_escalated").await,
            0,
            "{backend:?}"
        );

        app.advance(2 * MINUTE);
        app.deliver().await;
        app.deliver().await;

        let escalated = app.mails_to("ciso@acme.test");
        assert_eq!(escalated.len(), 1, "{backend:?}: {escalated:#?}");
        assert!(
            escalated[0].subject.starts_with("Escalated:"),
            "{}",
            escalated[0].subject
        );
        assert_eq!(
            app.audited(case, "approval_escalated").await,
            1,
            "{backend:?}"
        );
        let ciso = app.link_for("ciso@acme.test", "bob");
        let answer = app.press(&ciso, "approve", "").await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: {}",
            answer.body
        );

        let links = app.store.links_of(case).await.expect("links");
        assert!(
            links
                .iter()
                .all(|l| l.request_state == RequestState::Approved),
            "{backend:?}: {links:?}"
        );
        let manager = app.link_for(MANAGER, "bob");
        let page = app.get(&manager.url).await;
        assert!(
            page.body.contains("Already approved by ciso@acme.test"),
            "{backend:?}: {}",
            page.body
        );
        let late = app.post_token(&manager.token, "approve", "").await;
        assert_eq!(late.status, StatusCode::CONFLICT, "{backend:?}");
        let done = app
            .run_until(case, |s| s.is_closed() || s == CaseState::NeedsAttention)
            .await;
        assert_eq!(
            done.state,
            CaseState::Completed,
            "{backend:?}: {:#?}",
            done.steps
        );
    }
}
