//! An SMTP outage delays approval emails and loses none: they wait in the outbox, are retried
//! after their backoff once the relay is back, and arrive exactly once.

use crate::support::{HOUR, MANAGER, Options, apps};
use leaver_core::CaseState;
use leaver_store::mail::outbox::MailOutbox;
use std::collections::BTreeMap;
use std::time::Duration;

const LEAVERS: [&str; 5] = ["bob", "frank", "gina", "hank", "ivan"];

#[tokio::test]
async fn emails_queued_during_an_smtp_outage_arrive_exactly_once_after_it() {
    let (_dir, apps) = apps(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await;
    for app in &apps {
        let backend = app.backend;
        app.sink.set_down(true);
        let mut cases = Vec::new();
        for (n, user) in LEAVERS.iter().enumerate() {
            cases.push(app.open(&format!("HR-{n}"), user).await);
        }

        // The engine plans and asks; every send fails with 421 and stays queued.
        app.deliver().await;
        app.deliver().await;
        for case in &cases {
            assert_eq!(
                app.case(*case).await.state,
                CaseState::AwaitingApproval,
                "{backend:?}"
            );
        }
        assert_eq!(
            app.store.unsent_emails().await.expect("depth"),
            5,
            "{backend:?}"
        );
        assert!(
            app.sink.messages().is_empty(),
            "{backend:?}: nothing got through"
        );
        let retried = app
            .count_where("email_outbox", "attempts >= 1 AND last_error IS NOT NULL")
            .await;
        assert_eq!(
            retried, 5,
            "{backend:?}: each was tried and the failure kept"
        );

        // Back up, but the retry waits for its backoff.
        app.sink.set_down(false);
        app.deliver().await;
        assert!(
            app.sink.messages().is_empty(),
            "{backend:?}: not before the backoff"
        );

        app.advance(Duration::from_secs(30));
        app.deliver().await;
        app.advance(HOUR);
        app.deliver().await;

        assert_eq!(
            app.store.unsent_emails().await.expect("depth"),
            0,
            "{backend:?}"
        );
        let mut received: BTreeMap<(String, String), usize> = BTreeMap::new();
        for mail in app.mails() {
            for to in mail.to {
                *received.entry((to, mail.subject.clone())).or_default() += 1;
            }
        }
        assert_eq!(received.len(), 5, "{backend:?}: {received:#?}");
        assert!(
            received.values().all(|n| *n == 1),
            "{backend:?}: none twice: {received:#?}"
        );
        for user in LEAVERS {
            let about = format!("({user})");
            let for_user = received
                .keys()
                .filter(|(to, subject)| to == MANAGER && subject.contains(&about))
                .count();
            assert_eq!(for_user, 1, "{backend:?}: {user}");
            assert_eq!(
                app.approval_links(MANAGER)
                    .iter()
                    .filter(|l| l.subject.contains(&about))
                    .count(),
                1
            );
        }
    }
}
