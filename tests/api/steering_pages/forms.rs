//! The operator's forms on the case page: skipping a step needs a reason, the ticket form names
//! a bad field and changes nothing, a re-plan says what it found, a rejection shows the
//! approver's reason and can be put to the approvers again.

use super::helpers::{MANAGER, case, links_to, open_and_plan, steering_apps};
use crate::support::csrf_in;
use leaver_core::StepState;
use reqwest::StatusCode;

#[tokio::test]
async fn skipping_a_step_needs_a_reason_and_the_page_shows_it() {
    let (_dir, apps) = steering_apps().await;
    for app in apps {
        let id = open_and_plan(&app, "HR-2", "dave").await;
        let planned = case(&app, id).await;
        let step = planned
            .steps
            .iter()
            .find(|s| !s.kind.reads_footprint())
            .expect("a step that writes")
            .clone();
        let session = app.login().await;
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        assert!(page.body.contains(&format!("id=\"skip-{}\"", step.id)));
        let path = format!("/cases/{id}/steps/{}/skip", step.id);
        let audit = app.count("audit_event").await;

        let refused = app.submit(&session, &path, &[("reason", "  ")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("Nothing changed") && refused.body.contains("reason:"),
            "{}",
            refused.body
        );
        assert_eq!(case(&app, id).await.step(step.id), Some(&step));
        assert_eq!(app.count("audit_event").await, audit);

        let skipped = app
            .submit(&session, &path, &[("reason", "kept for the audit team")])
            .await;
        assert_eq!(skipped.status, StatusCode::SEE_OTHER, "{}", skipped.body);
        let after = case(&app, id).await;
        assert_eq!(
            after.step(step.id).map(|s| s.state),
            Some(StepState::Skipped)
        );
        let page = app
            .get(&format!("/cases/{id}?notice=skipped"), Some(&session))
            .await;
        assert!(
            page.body
                .contains("skipped by an operator: kept for the audit team"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Step skipped"));
    }
}

#[tokio::test]
async fn the_ticket_form_names_a_bad_manager_email_and_changes_nothing() {
    let (_dir, apps) = steering_apps().await;
    for app in apps {
        let id = open_and_plan(&app, "HR-3", "dave").await;
        let before = case(&app, id).await;
        let session = app.login().await;
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        assert!(page.body.contains("id=\"change-ticket\""));
        assert!(
            page.body
                .contains("name=\"shown_manager_email\" value=\"erin@acme.test\"")
        );
        let audit = app.count("audit_event").await;
        let path = format!("/cases/{id}/update");

        let fields = [
            ("manager_email", "not an address"),
            ("shown_manager_email", MANAGER),
            ("reason", "moved to a partner"),
        ];
        let refused = app.submit(&session, &path, &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("id=\"manager_email-error\"")
                && refused.body.contains("manager_email:"),
            "{}",
            refused.body
        );
        assert!(
            refused.body.contains("value=\"not an address\""),
            "the input is kept"
        );
        assert_eq!(case(&app, id).await, before, "nothing changed");
        assert_eq!(app.count("audit_event").await, audit);

        let fields = [
            ("manager_email", MANAGER),
            ("shown_manager_email", MANAGER),
            ("reason", "moved to a partner"),
        ];
        let changed = app.submit(&session, &path, &fields).await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
        let after = case(&app, id).await;
        assert_eq!(after.reason.as_deref(), Some("moved to a partner"));
        assert_eq!(after.manager_email, before.manager_email);
    }
}

#[tokio::test]
async fn a_rejection_shows_the_approvers_reason_and_the_operator_asks_again() {
    let (_dir, apps) = steering_apps().await;
    for app in apps {
        let id = open_and_plan(&app, "HR-5", "gina").await;
        let link = links_to(&app, MANAGER)[0].clone();
        let page = app.get(&link, None).await;
        let key = csrf_in(&page.body);
        let fields = [
            ("csrf", key.as_str()),
            ("decision", "reject"),
            ("reason", "she stays until March"),
        ];
        let rejected = app.post_form(&link, None, Some(&app.url), &fields).await;
        assert_eq!(rejected.status, StatusCode::SEE_OTHER, "{}", rejected.body);
        app.run_pending_jobs().await;
        let before = case(&app, id).await;
        assert!(
            before.steps.iter().any(|s| s.state == StepState::Rejected),
            "{:#?}",
            before.steps
        );

        let session = app.login().await;
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        let banner = page
            .body
            .split("id=\"attention\"")
            .nth(1)
            .expect("an attention banner");
        assert!(banner.contains("she stays until March"), "{}", page.body);
        assert!(page.body.contains("id=\"reask\""));
        assert!(page.body.contains("rejected: “she stays until March”"));

        let asked = app
            .submit(&session, &format!("/cases/{id}/reask"), &[])
            .await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
        app.run_pending_jobs().await;
        let after = case(&app, id).await;
        assert!(
            after.steps.iter().all(|s| s.state != StepState::Rejected),
            "{:#?}",
            after.steps
        );
        assert!(
            links_to(&app, MANAGER).len() > 1,
            "the manager is asked again"
        );
        let again = app
            .submit(&session, &format!("/cases/{id}/reask"), &[])
            .await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "nothing left to ask about"
        );
    }
}

#[tokio::test]
async fn planning_again_from_an_unchanged_hub_adds_and_skips_nothing() {
    let (_dir, apps) = steering_apps().await;
    for app in apps {
        let id = open_and_plan(&app, "HR-6", "dave").await;
        let before = case(&app, id).await;
        let session = app.login().await;
        let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
        assert!(page.body.contains("id=\"replan\""));
        let replanned = app
            .submit(&session, &format!("/cases/{id}/replan"), &[])
            .await;
        assert_eq!(
            replanned.status,
            StatusCode::SEE_OTHER,
            "{}",
            replanned.body
        );
        let location = replanned.location.expect("back to the case");
        assert!(
            location.ends_with("notice=replanned&added=0&skipped=0"),
            "{location}"
        );
        let page = app.get(&location, Some(&session)).await;
        assert!(
            page.body
                .contains("Planned again from a fresh read: 0 step(s) added, 0 skipped.")
        );
        assert_eq!(
            case(&app, id).await.steps,
            before.steps,
            "the Hub did not change"
        );
    }
}
