//! Beyond the Hub: a leaver deprovisioned from SCIM apps too (`[[apps]]`), against a real
//! third-party SCIM service provider, scim2-server (PyPI), two processes standing in for two
//! apps. One approval by the manager's emailed link covers the Hub's steps and each app's
//! `deprovision_app`; the servers then show the user inactive or gone, and `verify` read them.
//! Without scim2-server the tests say so and pass, unless `LEAVER_REQUIRE_SCIM_SERVER=1`.

mod check;
mod fault_proxy;

use crate::support::{MANAGER, Options, TestApp, apps};
use fault_proxy::FaultProxy;
use leaver_app::apps::AppSetting;
use leaver_core::{Case, CaseState, StepKind, StepState, Target};
use leaver_testkit::scim_app::{ScimApp, ScimAppOptions};

/// An `[[apps]]` entry for `url`, with its token given (not read from the environment).
fn app_setting(name: &str, url: &str, token: &str, action: &str, by: &str) -> AppSetting {
    AppSetting {
        name: name.into(),
        kind: "scim".into(),
        base_url: url.into(),
        token_env: format!("LEAVER_APP_{}_TOKEN", name.to_uppercase()),
        action: action.into(),
        match_by: by.into(),
        token: Some(token.to_owned().into()),
    }
}

/// The case's step of `kind` on `target`.
fn step<'a>(case: &'a Case, kind: StepKind, target: &str) -> &'a leaver_core::Step {
    let target: Target = target.parse().expect("target");
    case.steps
        .iter()
        .find(|s| s.kind == kind && s.target == target)
        .unwrap_or_else(|| panic!("no {kind} on {target}: {:#?}", case.steps))
}

/// Opens a case for `leaver`, checks the plan puts both apps to the manager with the Hub's
/// steps, and approves it all through the one emailed link.
async fn open_and_approve(app: &TestApp, leaver: &str, apps: &[&str]) -> leaver_core::CaseId {
    let case = app.open_and_ask(&format!("HR-{leaver}"), leaver).await;
    let planned = app.case(case).await;
    for name in apps {
        let s = step(&planned, StepKind::DeprovisionApp, &format!("app:{name}"));
        assert_eq!(s.state, StepState::AwaitingApproval, "{:?}", app.backend);
    }
    let mail = app
        .mails_to(MANAGER)
        .into_iter()
        .rfind(|m| m.subject.contains(&format!("({leaver})")))
        .expect("an approval email");
    for name in apps {
        assert!(
            mail.text.contains(name),
            "the email names {name}: {}",
            mail.text
        );
    }
    let link = app.link_for(MANAGER, leaver);
    let decided = app.press(&link, "approve", "").await;
    assert!(decided.status.is_redirection(), "{}", decided.body);
    case
}

#[tokio::test]
async fn one_approval_deprovisions_the_leaver_from_the_hub_and_two_scim_apps() {
    let Some(fifteen_five) = ScimApp::start(ScimAppOptions::default()).await else {
        return;
    };
    let Some(one_password) = ScimApp::start(ScimAppOptions::default()).await else {
        return;
    };
    let options = Options {
        apps: vec![
            app_setting(
                "15five",
                &fifteen_five.url,
                &fifteen_five.token,
                "deactivate",
                "userName",
            ),
            app_setting(
                "1password",
                &one_password.url,
                &one_password.token,
                "delete",
                "emails",
            ),
        ],
        ..Options::default()
    };
    let (_dir, test_apps) = apps(options).await;
    // One leaver per database: the two SCIM servers serve both runs.
    for (app, leaver) in test_apps.iter().zip(["bob", "gina"]) {
        let backend = app.backend;
        let email = format!("{leaver}@acme.test");
        let in_15five = fifteen_five.provision(&email).await;
        let in_1password = one_password.provision(&email).await;
        let stays = fifteen_five
            .provision(&format!("stays-{leaver}@acme.test"))
            .await;

        let case = open_and_approve(app, leaver, &["15five", "1password"]).await;
        let done = app.run_until(case, |s| s.is_closed()).await;

        assert_eq!(
            done.state,
            CaseState::Completed,
            "{backend:?}: {:#?}",
            done.steps
        );
        assert!(
            !app.is_member(leaver).await,
            "{backend:?}: removed from the Hub org"
        );
        let held = fifteen_five
            .user(&in_15five)
            .await
            .expect("15five keeps the account");
        assert_eq!(held["active"], false, "{backend:?}: deactivated in 15five");
        assert!(
            one_password.user(&in_1password).await.is_none(),
            "{backend:?}: deleted from 1password"
        );
        let other = fifteen_five.user(&stays).await.expect("the other user");
        assert_eq!(other["active"], true, "{backend:?}: nobody else is touched");
        let deactivated = step(&done, StepKind::DeprovisionApp, "app:15five");
        assert_eq!(deactivated.state, StepState::Succeeded);
        assert!(
            deactivated
                .note
                .as_deref()
                .unwrap_or_default()
                .contains("inactive (PATCH)"),
            "{:?}",
            deactivated.note
        );
        let deleted = step(&done, StepKind::DeprovisionApp, "app:1password");
        assert!(
            deleted
                .note
                .as_deref()
                .unwrap_or_default()
                .contains("(DELETE)"),
            "{:?}",
            deleted.note
        );
        let verify = step(&done, StepKind::Verify, "case");
        assert!(
            verify
                .note
                .as_deref()
                .unwrap_or_default()
                .contains("2 SCIM app(s)"),
            "{:?}",
            verify.note
        );
        let evidence = step_evidence(app, &done, deactivated.id).await;
        assert_eq!(evidence["before"]["active"], true, "{evidence}");
        assert_eq!(evidence["after"]["active"], false, "{evidence}");
        assert_eq!(evidence["write"], "PATCH");
        let verified = step_evidence(app, &done, verify.id).await;
        let found: Vec<&str> = verified["apps"]
            .as_array()
            .expect("apps in verify's evidence")
            .iter()
            .filter_map(|a| a["found"].as_str())
            .collect();
        assert_eq!(found.len(), 2, "{verified}");
        assert!(found[0].starts_with("inactive account"), "{found:?}");
        assert_eq!(found[1], "no account");
        let exported = exported_app_call(app, &done, "app:15five").await;
        assert_eq!(exported["evidence"]["before"]["active"], true, "{exported}");
        assert_eq!(exported["evidence"]["after"]["active"], false, "{exported}");
    }
}

/// The evidence export's record of the success of the step on `target` (its `detail`).
async fn exported_app_call(app: &TestApp, case: &Case, target: &str) -> serde_json::Value {
    use leaver_app::evidence::Scope;
    use leaver_app::evidence::render::Format;
    let mut export = app
        .app
        .export(Scope::Case(case.id), Format::Json)
        .await
        .expect("export");
    let mut bytes = Vec::new();
    while let Some(piece) = export.next_piece().await.expect("piece") {
        bytes.extend(piece);
    }
    let document: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON export");
    let mut pending = vec![&document];
    while let Some(value) = pending.pop() {
        if value["target"] == target && value["outcome"] == "step_succeeded" {
            return value["detail"].clone();
        }
        match value {
            serde_json::Value::Array(items) => pending.extend(items),
            serde_json::Value::Object(map) => pending.extend(map.values()),
            _ => {}
        }
    }
    panic!("the export has no success on {target}: {document}");
}

#[tokio::test]
async fn an_app_down_for_a_while_and_one_without_patch_still_complete_the_case() {
    let Some(flaky) = ScimApp::start(ScimAppOptions::default()).await else {
        return;
    };
    let Some(no_patch) = ScimApp::start(ScimAppOptions {
        without_patch: true,
    })
    .await
    else {
        return;
    };
    let flaky_proxy = FaultProxy::start(&flaky.url).await;
    let no_patch_proxy = FaultProxy::start(&no_patch.url).await;
    no_patch_proxy.refuse_patch();
    let options = Options {
        apps: vec![
            app_setting(
                "8x8",
                &flaky_proxy.url,
                &flaky.token,
                "deactivate",
                "userName",
            ),
            app_setting(
                "15five",
                &no_patch_proxy.url,
                &no_patch.token,
                "deactivate",
                "emails",
            ),
        ],
        ..Options::default()
    };
    let (_dir, test_apps) = apps(options).await;
    for (app, leaver) in test_apps.iter().zip(["frank", "hank"]) {
        let backend = app.backend;
        let email = format!("{leaver}@acme.test");
        let in_flaky = flaky.provision(&email).await;
        let in_no_patch = no_patch.provision(&email).await;
        let case = open_and_approve(app, leaver, &["8x8", "15five"]).await;

        // 8x8 answers 503 to its next requests: the reads and the write are tried again.
        let failed_before = flaky_proxy.failed();
        flaky_proxy.fail_next(4);
        let done = app.run_until(case, |s| s.is_closed()).await;

        assert_eq!(
            done.state,
            CaseState::Completed,
            "{backend:?}: {:#?}",
            done.steps
        );
        assert_eq!(
            flaky_proxy.failed() - failed_before,
            4,
            "every 503 was answered"
        );
        let flaky_step = step(&done, StepKind::DeprovisionApp, "app:8x8");
        assert!(
            flaky_step.attempts >= 2 || step(&done, StepKind::Refresh, "case").attempts >= 2,
            "{backend:?}: the outage was retried through: {:#?}",
            done.steps
        );
        let (_, trail) = app.app.case_with_trail(case).await.expect("trail");
        let reported = trail.iter().any(|r| {
            r.kind == "step_failed"
                && r.data["event"]["error"].as_str().is_some_and(|e| {
                    e.contains("SCIM app answered 503") && e.contains("injected outage")
                })
                && r.data["detail"]["retryable"] == true
        });
        assert!(
            reported,
            "{backend:?}: the 503 is reported as a transient failure"
        );
        let held = flaky.user(&in_flaky).await.expect("kept");
        assert_eq!(held["active"], false, "{backend:?}: 8x8 deactivated");
        let held = no_patch.user(&in_no_patch).await.expect("kept");
        assert_eq!(held["active"], false, "{backend:?}: 15five deactivated");
        assert_eq!(held["userName"], email.as_str(), "the PUT kept the rest");
        assert!(no_patch_proxy.seen("PATCH").is_empty(), "no PATCH was sent");
        assert!(!no_patch_proxy.seen("PUT").is_empty(), "a PUT was sent");
        let put_step = step(&done, StepKind::DeprovisionApp, "app:15five");
        assert!(
            put_step
                .note
                .as_deref()
                .unwrap_or_default()
                .contains("(PUT)"),
            "{:?}",
            put_step.note
        );
    }
}

/// The evidence the audit trail holds for step `id`'s success.
async fn step_evidence(app: &TestApp, case: &Case, id: leaver_core::StepId) -> serde_json::Value {
    let (_, trail) = app.app.case_with_trail(case.id).await.expect("trail");
    trail
        .iter()
        .rev()
        .find(|r| r.kind == "step_succeeded" && r.data["event"]["step"] == id.to_string())
        .map(|r| r.data["detail"]["evidence"].clone())
        .unwrap_or_else(|| panic!("no success recorded for {id}"))
}
