//! Approvers decide step by step (`step.<step id>=approve|reject` on the approval form): a bad
//! step form decides nothing and names the field; two approvers of one `all` rule combine per
//! step, so one approver's no keeps a step the other approved, and the case goes on without it.

use crate::support::{MANAGER, Options, TestApp, apps, emails};
use leaver_app::RuleSetting;
use leaver_core::{CaseId, CaseState, StepKind, StepState};
use reqwest::StatusCode;

const SEC1: &str = "sec-lead@acme.test";
/// A form's fields, in order.
type Fields = Vec<(String, String)>;
const SEC2: &str = "ciso@acme.test";

/// What bob holds per hubsim: his acme-ai role, his access to the gated model.
async fn bob_holds(app: &TestApp) -> (Option<String>, Option<String>) {
    let state = app.sim_state().await;
    (
        hubsim::dump::role(&state, "acme-ai", "bob"),
        hubsim::dump::access(&state, "acme-ai/llama-ft", "bob"),
    )
}

async fn step_of(app: &TestApp, case: CaseId, kind: StepKind) -> leaver_core::Step {
    let case = app.case(case).await;
    case.steps
        .into_iter()
        .find(|s| s.kind == kind)
        .expect("the step")
}

#[tokio::test]
async fn a_step_form_missing_a_choice_naming_an_unknown_step_or_with_a_bad_value_decides_nothing() {
    let (_dir, apps) = apps(Options::default()).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let link = app.link_for(MANAGER, "bob");
        let page = app.get(&link.url).await;
        let csrf = crate::support::http::form_key_in(&page.body).expect("form");
        let fields = crate::support::http::step_fields(&page.body);
        assert!(fields.len() >= 3, "{backend:?}: {fields:?}");
        let approve_all =
            |f: &[String]| -> Fields { f.iter().map(|f| (f.clone(), "approve".into())).collect() };
        let unknown = format!("step.{}", leaver_core::StepId::random());
        let mut bad_value = approve_all(&fields);
        bad_value[0].1 = "yes".into();
        let mut extra = approve_all(&fields);
        extra.push((unknown.clone(), "approve".into()));
        let mut twice = approve_all(&fields);
        twice.push((fields[0].clone(), "reject".into()));
        let mut no_reason = approve_all(&fields);
        no_reason[1].1 = "reject".into();
        let cases: Vec<(&str, Fields, String)> = vec![
            (
                "a step left out",
                approve_all(&fields[1..]),
                fields[0].clone(),
            ),
            ("a bad value", bad_value, fields[0].clone()),
            ("an unknown step", extra, unknown.clone()),
            ("a step given twice", twice, fields[0].clone()),
            (
                "a step rejected without a reason",
                no_reason,
                "why you reject".into(),
            ),
        ];
        for (what, steps, named) in cases {
            let mut form: Vec<(&str, &str)> =
                vec![("decision", "approve"), ("reason", ""), ("csrf", &csrf)];
            form.extend(steps.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let answer = app.post_form(&link.url, Some(&app.url), &form).await;
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {what}: {}",
                answer.body
            );
            assert!(
                answer.body.contains(&named),
                "{backend:?} {what}: the answer names {named}: {}",
                answer.body
            );
            app.assert_nothing_decided(case).await;
        }
    }
}

#[tokio::test]
async fn two_approvers_of_an_all_rule_combine_per_step_and_one_no_keeps_the_step() {
    let rule = |name: &str, approvers: &[&str], mode: &str| RuleSetting {
        name: name.into(),
        approvers: emails(approvers),
        kinds: Vec::new(),
        mode: mode.into(),
    };
    let options = Options {
        rules: vec![
            rule("manager", &["manager"], "any"),
            rule("security", &[SEC1, SEC2], "all"),
        ],
        ..Options::default()
    };
    let (_dir, apps) = apps(options).await;
    for app in &apps {
        let backend = app.backend;
        let case = app.open_and_ask("HR-1", "bob").await;
        let revoke = step_of(app, case, StepKind::RevokeGatedAccess).await;
        let why = "bob hands the fine-tune over until March";

        // The first security approver and the manager approve everything; the second security
        // approver rejects the gated repo's revocation alone.
        let sec1 = app.link_for(SEC1, "bob");
        let answer = app.press(&sec1, "approve", "").await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: {}",
            answer.body
        );
        assert_eq!(
            step_of(app, case, StepKind::RevokeGatedAccess).await.state,
            StepState::AwaitingApproval,
            "{backend:?}: one yes of an `all` rule approves nothing"
        );
        let sec2 = app.link_for(SEC2, "bob");
        let answer = app.press_steps(&sec2, "approve", &[revoke.id], why).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: {}",
            answer.body
        );
        let kept = step_of(app, case, StepKind::RevokeGatedAccess).await;
        assert_eq!(kept.state, StepState::Rejected, "{backend:?}");
        assert_eq!(kept.kept_by.as_deref(), Some(SEC2), "{backend:?}");
        assert_eq!(kept.note.as_deref(), Some(why), "{backend:?}");
        let page = app.get(&sec2.url).await;
        assert!(
            page.body.contains("id=\"kept\"") && page.body.contains("llama-ft"),
            "{backend:?}: the page says what this approver kept: {}",
            page.body
        );
        let manager = app.link_for(MANAGER, "bob");
        let answer = app.press(&manager, "approve", "").await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: {}",
            answer.body
        );

        app.deliver().await;

        let done = app.case(case).await;
        assert_eq!(done.state, CaseState::Completed, "{backend:?}: {done:#?}");
        let kept = done.step(revoke.id).expect("the kept step");
        assert_eq!(
            (kept.state, kept.attempts),
            (StepState::Rejected, 0),
            "{backend:?}: the kept step never ran"
        );
        assert_eq!(
            bob_holds(app).await,
            (None, Some("accepted".into())),
            "{backend:?}: bob left acme-ai and keeps the gated model"
        );
        let verify = done
            .steps
            .iter()
            .find(|s| s.kind == StepKind::Verify)
            .expect("verify");
        let note = verify.note.as_deref().unwrap_or_default();
        assert!(
            note.contains("kept by approval") && note.contains(SEC2) && note.contains(why),
            "{backend:?}: verify reports the kept grant: {note}: {done:#?}"
        );
        assert_eq!(app.audited(case, "kept").await, 1, "{backend:?}");
    }
}

#[tokio::test]
async fn a_kept_successor_promotion_holds_the_orgs_removal_and_the_operator_is_told_why() {
    // bob is acme-ai's only human admin; dave, a writer, is to take over.
    let mut world = crate::support::world();
    for member in world["orgs"][0]["members"].as_array_mut().expect("members") {
        match member["user"].as_str() {
            Some("bob") => member["role"] = "admin".into(),
            Some("dave") => member["role"] = "write".into(),
            _ => {}
        }
    }
    let options = Options {
        world: Some(world),
        ..Options::default()
    };
    let (_dir, apps) = apps(options).await;
    for app in &apps {
        let backend = app.backend;
        let ticket = leaver_core::TicketInput {
            external_id: Some("HR-1".into()),
            email: Some("bob@acme.test".into()),
            hub_username: Some("bob".into()),
            manager_email: Some(MANAGER.into()),
            successor: Some("dave".into()),
            ..leaver_core::TicketInput::default()
        };
        let opened = app
            .app
            .open_case(&ticket, &leaver_store::Actor::cli())
            .await;
        let case = opened.expect("open").case.id;
        app.deliver().await;
        let promote = step_of(app, case, StepKind::ReassignLastAdmin).await;
        let why = "dave is not ready to run the org";

        let link = app.link_for(MANAGER, "bob");
        let answer = app.press_steps(&link, "approve", &[promote.id], why).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{backend:?}: {}",
            answer.body
        );
        app.deliver().await;

        let held = app.case(case).await;
        assert_eq!(
            held.state,
            CaseState::NeedsAttention,
            "{backend:?}: {held:#?}"
        );
        // The removal (and the strip, where the plan has one) is held, never started.
        let admin_safety: Vec<&leaver_core::Step> = held
            .steps
            .iter()
            .filter(|s| matches!(s.kind, StepKind::StripAccess | StepKind::RemoveMember))
            .collect();
        assert!(
            admin_safety
                .iter()
                .any(|s| s.kind == StepKind::RemoveMember),
            "{backend:?}: {held:#?}"
        );
        for step in admin_safety {
            assert_eq!(
                (step.state, step.attempts),
                (StepState::Approved, 0),
                "{backend:?}: {} is held, never started",
                step.kind
            );
        }
        assert_eq!(
            bob_holds(app).await.0.as_deref(),
            Some("admin"),
            "{backend:?}: the org keeps its admin"
        );
        let told = app
            .count_where(
                "audit_event",
                &format!(
                    "kind = 'operator_notified' AND data LIKE '%is held%' AND data LIKE '%{MANAGER}%'"
                ),
            )
            .await;
        assert_eq!(
            told, 1,
            "{backend:?}: the operator is told which step is held and why"
        );
    }
}
