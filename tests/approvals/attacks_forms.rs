//! Decisions that do not come from the approver's own page, on an open case, with what the page
//! asks for, decide nothing: another site's POST, a POST without the form key, a decision on a
//! cancelled case, a burst of guesses, a rejection without a reason.

use crate::support::http::{Decision, computed_form_key, random_token};
use crate::support::{MANAGER, Options, apps};
use leaver_core::approval::RequestState;
use leaver_core::{CaseState, Event, StepState};
use leaver_store::approvals::ApprovalStore;
use leaver_store::{Actor, Store};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_post_from_another_origin_is_refused() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");
        let csrf = app.form_key(&link).await;

        for origin in [
            "https://evil.example",
            "null",
            "http://127.0.0.1.evil.example",
        ] {
            let form = Decision {
                decision: "approve",
                reason: "",
                csrf: Some(&csrf),
                origin: Some(origin),
            };
            let answer = app.decide(&link.url, &form).await;
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{:?} from {origin}",
                app.backend
            );
        }

        app.assert_nothing_decided(case).await;
    }
}

#[tokio::test]
async fn a_post_without_the_form_key_is_refused() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");
        let wrong = computed_form_key(&random_token());

        let without = Decision {
            decision: "approve",
            reason: "",
            csrf: None,
            origin: Some(&app.url),
        };
        let no_origin_either = Decision {
            origin: None,
            ..without
        };
        let wrong_key = Decision {
            csrf: Some(&wrong),
            ..without
        };
        for form in [&without, &no_origin_either, &wrong_key] {
            assert_eq!(
                app.decide(&link.url, form).await.status,
                StatusCode::FORBIDDEN,
                "{:?}",
                app.backend
            );
        }

        app.assert_nothing_decided(case).await;
    }
}

#[tokio::test]
async fn a_link_of_a_cancelled_case_decides_nothing() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");
        let cancel = vec![Event::Cancelled {
            reason: "the leaver stays".into(),
        }];
        app.store
            .record(
                case,
                cancel,
                &Actor::operator("ops@acme.test"),
                json!({}),
                None,
                app.now(),
            )
            .await
            .expect("cancel");

        let page = app.get(&link.url).await;
        let answer = app.post_token(&link.token, "approve", "").await;

        assert_eq!(page.status, StatusCode::OK, "{backend:?}");
        assert!(
            page.body.contains("id=\"closed\"") && !page.body.contains("id=\"approve\""),
            "{}",
            page.body
        );
        assert_eq!(
            answer.status,
            StatusCode::CONFLICT,
            "{backend:?}: {}",
            answer.body
        );
        let current = app.run_until(case, |s| s.is_closed()).await;
        assert_eq!(current.state, CaseState::Cancelled, "{backend:?}");
        assert!(
            current.steps.iter().all(|s| s.state == StepState::Skipped),
            "{backend:?}: {:?}",
            current.steps
        );
        assert_eq!(
            app.audited(case, "approval_decided").await,
            0,
            "{backend:?}"
        );
        let links = app.store.links_of(case).await.expect("links");
        assert!(
            links
                .iter()
                .all(|l| l.decided_at.is_none() && l.request_state == RequestState::Open),
            "{backend:?}: {links:?}"
        );
        assert!(
            app.is_member("bob").await,
            "{backend:?}: the Hub was not touched"
        );
    }
}

#[tokio::test]
async fn a_burst_of_guessed_links_is_braked_and_approves_nothing() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");

        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(app.post_token(&random_token(), "approve", "").await.status);
        }
        let real_while_braked = app.post_token(&link.token, "approve", "").await;

        let not_found = statuses
            .iter()
            .filter(|s| **s == StatusCode::NOT_FOUND)
            .count();
        let braked = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert_eq!((not_found, braked), (20, 20), "{backend:?}: {statuses:?}");
        assert!(
            statuses[20..]
                .iter()
                .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
            "later guesses are braked"
        );
        assert_eq!(
            real_while_braked.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}"
        );
        app.assert_nothing_decided(case).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_sent_side_by_side_cannot_outrun_the_brake() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let guesses = (0..64).map(|_| app.post_token_owned(random_token()));
        let statuses: Vec<StatusCode> = futures_join_all(guesses).await;
        let not_found = statuses
            .iter()
            .filter(|s| **s == StatusCode::NOT_FOUND)
            .count();
        assert_eq!(
            (not_found, statuses.len() - not_found),
            (20, 44),
            "{backend:?}: only the allowance is looked up: {statuses:?}"
        );
        app.assert_nothing_decided(case).await;
    }
}

/// Runs the futures side by side and gathers their outputs, in order.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn rejecting_needs_a_reason_and_a_reason_stops_the_steps() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");

        for blank in ["", "   \n "] {
            let answer = app.press(&link, "reject", blank).await;
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?}"
            );
            assert!(
                answer.body.contains("Say why you reject"),
                "{}",
                answer.body
            );
        }
        app.assert_nothing_decided(case).await;

        let reason = "bob still owns the release pipeline";
        let answer = app.press(&link, "reject", reason).await;

        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: {}",
            answer.body
        );
        let current = app
            .run_until(case, |s| s != CaseState::AwaitingApproval)
            .await;
        assert_eq!(current.state, CaseState::NeedsAttention, "{backend:?}");
        let decided = app.store.links_of(case).await.expect("links");
        assert_eq!(decided[0].reason.as_deref(), Some(reason), "{backend:?}");
        for step in &decided[0].steps {
            let step = current.step(*step).expect("step");
            assert_eq!(
                (step.state, step.note.as_deref()),
                (StepState::Rejected, Some(reason)),
                "{backend:?}"
            );
        }
        let records = app.store.audit_events(Some(case)).await.expect("audit");
        let decision = records
            .iter()
            .find(|r| r.kind == "approval_decided")
            .expect("decision audited");
        assert_eq!(decision.data["decision"], "reject", "{backend:?}");
        assert_eq!(decision.data["reason"], reason, "{backend:?}");
        assert_eq!(decision.actor, format!("approver:{MANAGER}"));
        let page = app.get(&link.url).await;
        assert!(
            page.body
                .contains(&format!("<strong>Rejected</strong> by {MANAGER}"))
                && page.body.contains(reason),
            "{}",
            page.body
        );
        assert!(
            app.is_member("bob").await,
            "{backend:?}: nothing rejected ran"
        );
    }
}
