//! Links that are not the approver's own, valid, unused link decide nothing: forged, tampered,
//! used, another case's, or merely fetched by a scanner (expired links: `expiry.rs`).

use crate::support::http::{computed_form_key, random_token};
use crate::support::mail::token_of;
use crate::support::{MANAGER, Options, apps};
use leaver_core::StepState;
use leaver_store::approvals::ApprovalStore;
use reqwest::StatusCode;

#[tokio::test]
async fn a_forged_token_approves_nothing() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let case = app.open_and_ask("HR-1", "bob").await;
        let audit = app.count("audit_event").await;
        let forged = random_token();

        let page = app.get(&format!("{}/approvals/{forged}", app.url)).await;
        let posted = app.post_token(&forged, "approve", "").await;

        assert_eq!(page.status, StatusCode::NOT_FOUND, "{:?}", app.backend);
        assert_eq!(posted.status, StatusCode::NOT_FOUND, "{:?}", app.backend);
        app.assert_nothing_decided(case).await;
        assert_eq!(app.count("audit_event").await, audit, "{:?}", app.backend);
    }
}

#[tokio::test]
async fn a_tampered_token_approves_nothing() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");
        let real_key = app.form_key(&link).await;
        let mut tampered = link.token.clone().into_bytes();
        tampered[31] = if tampered[31] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).expect("hex");
        assert_ne!(tampered, link.token);

        let page = app.get(&format!("{}/approvals/{tampered}", app.url)).await;
        let with_its_key = app.post_token(&tampered, "approve", "").await;
        let form = crate::support::http::Decision {
            decision: "approve",
            reason: "",
            csrf: Some(&real_key),
            origin: Some(&app.url),
        };
        let with_real_key = app
            .decide(&format!("{}/approvals/{tampered}", app.url), &form)
            .await;

        assert_eq!(page.status, StatusCode::NOT_FOUND, "{:?}", app.backend);
        assert_eq!(
            with_its_key.status,
            StatusCode::NOT_FOUND,
            "{:?}",
            app.backend
        );
        assert_eq!(
            with_real_key.status,
            StatusCode::FORBIDDEN,
            "the real page's key is bound to the real token"
        );
        app.assert_nothing_decided(case).await;
    }
}

#[tokio::test]
async fn a_used_link_changes_nothing_and_shows_who_decided() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");
        let page = app.get(&link.url).await;
        let steps = crate::support::http::step_fields(&page.body);
        let csrf = app.form_key(&link).await;
        assert_eq!(
            app.press_steps(&link, "approve", &[], "").await.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: the per-step form, every step on approve"
        );
        let links_after_first = app.store.links_of(case).await.expect("links");
        let audit = app.count("audit_event").await;

        let form = crate::support::http::Decision {
            decision: "approve",
            reason: "",
            csrf: Some(&csrf),
            origin: Some(&app.url),
        };
        let twice = app.decide(&link.url, &form).await;
        let reject = crate::support::http::Decision {
            decision: "reject",
            reason: "changed my mind",
            ..form
        };
        let turned = app.decide(&link.url, &reject).await;
        // The per-step form again, this time keeping a step: refused as well.
        let mut per_step: Vec<(&str, &str)> = vec![
            ("decision", "approve"),
            ("reason", "keep one after all"),
            ("csrf", &csrf),
        ];
        per_step.extend(
            steps
                .iter()
                .enumerate()
                .map(|(n, f)| (f.as_str(), if n == 0 { "reject" } else { "approve" })),
        );
        let kept = app.post_form(&link.url, Some(&app.url), &per_step).await;
        assert_eq!(
            kept.status,
            StatusCode::CONFLICT,
            "{backend:?}: {}",
            kept.body
        );

        assert_eq!(twice.status, StatusCode::CONFLICT, "{backend:?}");
        assert!(
            twice
                .body
                .contains(&format!("<strong>Approved</strong> by {MANAGER} at ")),
            "{}",
            twice.body
        );
        assert_eq!(turned.status, StatusCode::CONFLICT, "{backend:?}");
        assert_eq!(
            app.store.links_of(case).await.expect("links"),
            links_after_first,
            "{backend:?}"
        );
        assert_eq!(app.count("audit_event").await, audit, "{backend:?}");
        assert_eq!(
            app.audited(case, "approval_decided").await,
            1,
            "{backend:?}"
        );
        assert_eq!(app.audited(case, "rejected").await, 0, "{backend:?}");
        assert_eq!(app.audited(case, "kept").await, 0, "{backend:?}");
    }
}

#[tokio::test]
async fn one_case_token_never_touches_another_case() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let backend = app.backend;
        let case_a = app.open_and_ask("HR-1", "bob").await;
        let case_b = app.open_and_ask("HR-2", "frank").await;
        let (link_a, link_b) = (app.link_for(MANAGER, "bob"), app.link_for(MANAGER, "frank"));
        assert_ne!(link_a.token, link_b.token);
        let key_a = app.form_key(&link_a).await;

        // A's form key posted to B's link, then A's link used as meant.
        let form = crate::support::http::Decision {
            decision: "approve",
            reason: "",
            csrf: Some(&key_a),
            origin: Some(&app.url),
        };
        let crossed = app.decide(&link_b.url, &form).await;
        let approved = app.decide(&link_a.url, &form).await;

        assert_eq!(crossed.status, StatusCode::FORBIDDEN, "{backend:?}");
        assert_eq!(approved.status, StatusCode::SEE_OTHER, "{backend:?}");
        let a = app.case(case_a).await;
        assert!(
            a.steps.iter().all(|s| s.state == StepState::Approved),
            "{backend:?}: {:?}",
            a.steps
        );
        app.assert_nothing_decided(case_b).await;
        assert_eq!(
            token_of(&link_b.url).as_deref(),
            Some(link_b.token.as_str())
        );
        assert_ne!(
            computed_form_key(&link_a.token),
            computed_form_key(&link_b.token)
        );
    }
}

#[tokio::test]
async fn prefetching_a_link_with_get_or_head_changes_nothing() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");
        let links_before = app.store.links_of(case).await.expect("links");
        let (audit, jobs) = (app.count("audit_event").await, app.count("job").await);

        let page = app.get(&link.url).await;
        let steps = crate::support::http::step_fields(&page.body);
        assert!(
            !steps.is_empty(),
            "{backend:?}: the page offers step choices"
        );
        // A scanner following the form's fields as a query decides nothing either.
        let per_step = steps
            .iter()
            .map(|f| format!("{f}=reject"))
            .collect::<Vec<_>>()
            .join("&");
        for url in [
            format!("{}?decision=approve", link.url),
            format!("{}?decision=reject", link.url),
            format!("{}?decision=approve&reason=x&{per_step}", link.url),
            link.url.clone(),
        ] {
            for _ in 0..3 {
                assert_eq!(app.get(&url).await.status, StatusCode::OK, "{backend:?}");
                let head = app.head(&url).await;
                assert_eq!(head.status, StatusCode::OK, "{backend:?}");
                assert!(head.body.is_empty(), "HEAD has no body");
            }
        }

        app.assert_nothing_decided(case).await;
        assert_eq!(
            app.store.links_of(case).await.expect("links"),
            links_before,
            "{backend:?}"
        );
        assert_eq!(
            (app.count("audit_event").await, app.count("job").await),
            (audit, jobs),
            "{backend:?}"
        );
    }
}
