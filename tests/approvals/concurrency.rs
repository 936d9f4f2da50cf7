//! Decisions that arrive together (and are written together, in one transaction) come out as if
//! they had come one after the other: each link decides once, the first yes of an `any` request
//! settles it, two requests of one case both count, and the audit chain stays whole.

use crate::support::mail::Link;
use crate::support::{MANAGER, Options, TestApp, apps, emails};
use leaver_core::approval::RequestState;
use leaver_core::{CaseState, StepState};
use leaver_store::Store;
use leaver_store::approvals::ApprovalStore;
use reqwest::StatusCode;
use reqwest::header::ORIGIN;

/// Posts "approve" on every link `times` times, all at once; the statuses, link by link.
async fn approve_at_once(app: &TestApp, links: &[Link], times: usize) -> Vec<Vec<StatusCode>> {
    // Every page is opened before any POST goes out: once one yes settles a request, the other
    // approvers' pages no longer show a form.
    let mut keys = Vec::with_capacity(links.len());
    for link in links {
        keys.push(app.form_key(link).await);
    }
    let mut posts = tokio::task::JoinSet::new();
    for (n, (link, csrf)) in links.iter().zip(&keys).enumerate() {
        for _ in 0..times {
            let (http, url, origin, csrf) = (
                app.http.clone(),
                link.url.clone(),
                app.url.clone(),
                csrf.clone(),
            );
            posts.spawn(async move {
                let form = [
                    ("decision", "approve"),
                    ("reason", ""),
                    ("csrf", csrf.as_str()),
                ];
                let answer = http
                    .post(url)
                    .header(ORIGIN, origin)
                    .form(&form)
                    .send()
                    .await
                    .expect("POST");
                (n, answer.status())
            });
        }
    }
    let mut statuses = vec![Vec::new(); links.len()];
    while let Some(joined) = posts.join_next().await {
        let (n, status) = joined.expect("task");
        statuses[n].push(status);
    }
    statuses
}

fn count(statuses: &[StatusCode], wanted: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == wanted).count()
}

#[tokio::test]
async fn decisions_sent_at_once_are_each_recorded_once_and_settle_as_one_after_the_other() {
    // The security group has two members: its request is settled by whichever says yes first.
    let (_dir, apps) = apps(Options {
        security: emails(&["sec1@acme.test", "sec2@acme.test"]),
        ..Options::default()
    })
    .await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let links = [
            app.link_for(MANAGER, "bob"),
            app.link_for("sec1@acme.test", "bob"),
            app.link_for("sec2@acme.test", "bob"),
        ];
        let audit = app.count("audit_event").await;

        let statuses = approve_at_once(app, &links, 4).await;

        assert_eq!(
            count(&statuses[0], StatusCode::SEE_OTHER),
            1,
            "{backend:?}: the manager's link decides once: {statuses:?}"
        );
        let security: Vec<StatusCode> = statuses[1..].concat();
        assert_eq!(
            count(&security, StatusCode::SEE_OTHER),
            1,
            "{backend:?}: one security yes settles: {statuses:?}"
        );
        let all: Vec<StatusCode> = statuses.concat();
        assert_eq!(
            count(&all, StatusCode::CONFLICT),
            all.len() - 2,
            "{backend:?}: {statuses:?}"
        );
        assert_eq!(
            app.audited(case, "approval_decided").await,
            2,
            "{backend:?}"
        );
        let current = app.case(case).await;
        assert!(
            current.steps.iter().all(|s| s.state == StepState::Approved),
            "{backend:?}: {:?}",
            current.steps
        );
        let decided = app.store.links_of(case).await.expect("links");
        assert_eq!(
            decided.iter().filter(|l| l.decided_at.is_some()).count(),
            2,
            "{backend:?}"
        );
        assert!(
            decided
                .iter()
                .all(|l| l.request_state == RequestState::Approved),
            "{backend:?}"
        );
        // The manager's yes approves the steps only they cover, and the security yes the
        // rest: one `approved` event or two, depending on who came first.
        let approved = app.audited(case, "approved").await;
        assert!((1..=2).contains(&approved), "{backend:?}: {approved}");
        assert_eq!(
            app.count("audit_event").await,
            audit + 2 + i64::try_from(approved).expect("n"),
            "{backend:?}"
        );
        assert!(
            app.store
                .verify_audit()
                .await
                .expect("verify")
                .broken
                .is_none(),
            "{backend:?}"
        );
        let done = app
            .run_until(case, |s| s.is_closed() || s == CaseState::NeedsAttention)
            .await;
        assert_eq!(done.state, CaseState::Completed, "{backend:?}");
    }
}

#[tokio::test]
async fn many_cases_approved_at_once_are_all_approved_with_an_intact_audit_chain() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let backend = app.backend;
        let users = ["bob", "frank", "gina", "hank", "ivan", "judy"];
        let mut cases = Vec::new();
        for (n, user) in users.iter().enumerate() {
            cases.push(app.open(&format!("HR-{n}"), user).await);
        }
        app.deliver().await;
        let links: Vec<Link> = users
            .iter()
            .map(|user| app.link_for(MANAGER, user))
            .collect();

        let statuses = approve_at_once(app, &links, 2).await;

        for (case, statuses) in cases.iter().zip(&statuses) {
            assert_eq!(
                count(statuses, StatusCode::SEE_OTHER),
                1,
                "{backend:?}: {statuses:?}"
            );
            assert_eq!(
                count(statuses, StatusCode::CONFLICT),
                1,
                "{backend:?}: {statuses:?}"
            );
            let current = app.case(*case).await;
            assert!(
                current.steps.iter().all(|s| s.state == StepState::Approved),
                "{backend:?}"
            );
            assert_eq!(
                app.audited(*case, "approval_decided").await,
                1,
                "{backend:?}"
            );
        }
        assert!(
            app.store
                .verify_audit()
                .await
                .expect("verify")
                .broken
                .is_none(),
            "{backend:?}"
        );
    }
}
