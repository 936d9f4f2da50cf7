//! Steering a case from the operator's pages, against the real engine and hubsim (both
//! databases): naming the successor of a blocked last admin until the case completes, and the
//! old manager's approval link once the manager changed. The other forms (skip, change the
//! ticket, re-plan, re-ask) are in [`forms`].

mod forms;
mod helpers;

use crate::support::csrf_in;
use helpers::{MANAGER, approve, case, links_to, open_and_plan, role, steering_apps};
use leaver_core::{CaseState, StepKind};
use reqwest::StatusCode;

#[tokio::test]
async fn an_operator_names_the_successor_of_a_blocked_last_admin_and_the_case_completes() {
    let (_dir, apps) = steering_apps().await;
    for app in apps {
        let id = open_and_plan(&app, "HR-1", "bob").await;
        let blocked = case(&app, id).await;
        assert_eq!(blocked.state, CaseState::NeedsAttention, "{blocked:#?}");
        assert!(blocked.blocked_reason.is_some());

        let session = app.login().await;
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        assert!(page.body.contains("id=\"attention\""), "{}", page.body);
        assert!(page.body.contains("id=\"choose-successor\""));
        for member in ["value=\"carol\"", "value=\"dave\"", "value=\"gina\""] {
            assert!(page.body.contains(member), "{member} on the page");
        }
        assert!(
            !page.body.contains("value=\"bob\"") && !page.body.contains("value=\"leaver-bot\""),
            "neither the leaver nor Leaver's bot is offered"
        );

        let chosen = app
            .submit(
                &session,
                &format!("/cases/{id}/successor"),
                &[("successor", "carol")],
            )
            .await;
        assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
        app.run_pending_jobs().await;
        let planned = case(&app, id).await;
        assert_eq!(planned.state, CaseState::AwaitingApproval, "{planned:#?}");
        assert!(planned.blocked_reason.is_none());
        assert_eq!(
            planned.successor.as_ref().map(|s| s.as_str()),
            Some("carol")
        );
        assert!(
            planned
                .steps
                .iter()
                .any(|s| s.kind == StepKind::ReassignLastAdmin),
            "{:#?}",
            planned.steps
        );

        let links = links_to(&app, MANAGER);
        assert!(!links.is_empty(), "the manager is asked");
        for link in &links {
            let approved = approve(&app, link).await;
            assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
        }
        let done = app.run_until(id, |s| s.is_closed()).await;
        assert_eq!(done.state, CaseState::Completed, "{:#?}", done.steps);
        assert_eq!(role(&app, "carol").await.as_deref(), Some("admin"));
        assert_eq!(role(&app, "bob").await, None);
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        for form in ["change-ticket", "replan", "choose-successor", "attention"] {
            let id = format!("id=\"{form}\"");
            assert!(!page.body.contains(&id), "no {form} on a completed case");
        }
    }
}

#[tokio::test]
async fn the_old_managers_link_says_where_the_request_moved_and_decides_nothing() {
    let (_dir, apps) = steering_apps().await;
    for app in apps {
        let id = open_and_plan(&app, "HR-4", "gina").await;
        assert_eq!(case(&app, id).await.state, CaseState::AwaitingApproval);
        let old = links_to(&app, MANAGER);
        assert!(!old.is_empty(), "the manager is asked");
        let old_page = app.get(&old[0], None).await;
        let old_key = csrf_in(&old_page.body);

        let session = app.login().await;
        let fields = [
            ("manager_email", "frank@acme.test"),
            ("shown_manager_email", MANAGER),
        ];
        let moved = app
            .submit(&session, &format!("/cases/{id}/update"), &fields)
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
        app.run_pending_jobs().await;
        assert_eq!(
            case(&app, id).await.manager_email.as_str(),
            "frank@acme.test"
        );

        let page = app.get(&old[0], None).await;
        assert!(
            page.body.contains("id=\"moved\"")
                && page
                    .body
                    .contains("This request moved to frank@acme.test on ")
                && page.body.contains("nothing you do here changes the case"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("id=\"decide\""), "no decision form");
        let before = case(&app, id).await;
        let audit = app.count("audit_event").await;
        let fields = [
            ("csrf", old_key.as_str()),
            ("decision", "approve"),
            ("reason", ""),
        ];
        let refused = app.post_form(&old[0], None, Some(&app.url), &fields).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
        assert!(
            refused
                .body
                .contains("This request moved to frank@acme.test")
        );
        assert_eq!(case(&app, id).await, before, "the old link changed nothing");
        assert_eq!(app.count("audit_event").await, audit);

        let fresh = links_to(&app, "frank@acme.test");
        assert!(!fresh.is_empty(), "the new manager is asked");
        for link in &fresh {
            let approved = approve(&app, link).await;
            assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
        }
        let done = app.run_until(id, |s| s.is_closed()).await;
        assert_eq!(done.state, CaseState::Completed, "{:#?}", done.steps);
        assert_eq!(role(&app, "gina").await, None);
    }
}
