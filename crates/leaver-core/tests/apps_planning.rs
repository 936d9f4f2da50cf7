//! `plan::apps`: the SCIM apps' `deprovision_app` steps join the plan by kind and are put to
//! the approvers; an app without the leaver adds nothing; a fresh read adds an account that
//! appeared and skips a step whose account is gone.

mod facts;

use facts::user;
use leaver_core::plan::apps::{AppAccount, AppAction, AppFacts, reconcile_apps, with_apps};
use leaver_core::plan::{AccessStatus, PlanContext, plan};
use leaver_core::*;

fn app(name: &str, action: AppAction, account: Option<bool>) -> AppFacts {
    AppFacts {
        name: name.into(),
        action,
        account: account.map(|active| AppAccount {
            id: format!("{name}-id"),
            active,
        }),
    }
}

fn context(leaver: &HubUsername) -> PlanContext<'_> {
    PlanContext {
        leaver,
        successor: None,
        service_accounts: &[],
        revoke_to: AccessStatus::Rejected,
        no_account: false,
        leaving: &[],
    }
}

#[test]
fn apps_holding_the_leaver_become_approved_steps_before_tokens_and_verify() {
    let bob = user("bob");
    let ctx = context(&bob);
    let apps = [
        app("15five", AppAction::Deactivate, Some(true)),
        app("8x8", AppAction::Deactivate, Some(false)),
        app("1password", AppAction::Delete, Some(false)),
        app("slack", AppAction::Deactivate, None),
    ];
    let hub_only = plan(&ctx, &[], StepId::random);
    assert!(
        !hub_only.blockers.is_empty(),
        "bob holds nothing on the Hub"
    );
    let planned = with_apps(hub_only, &apps, StepId::random);
    let kinds: Vec<String> = planned
        .steps
        .iter()
        .map(|s| format!("{} {}", s.step.kind, s.step.target))
        .collect();
    assert_eq!(
        kinds,
        [
            "refresh case",
            "deprovision_app app:15five",
            "deprovision_app app:1password",
            "flag_tokens person:bob",
            "verify case"
        ]
    );
    assert!(
        planned
            .steps
            .iter()
            .filter(|s| s.step.kind == StepKind::DeprovisionApp)
            .all(|s| s.step.needs_approval && s.step.strategy == Strategy::Scim)
    );
    assert!(
        planned.blockers.is_empty(),
        "apps hold bob: nothing to confirm"
    );
    // Approval rules name kinds as text (`kinds = ["deprovision_app"]`), targets too.
    assert_eq!("deprovision_app".parse(), Ok(StepKind::DeprovisionApp));
    assert_eq!("app:8x8".parse(), Ok(Target::App("8x8".into())));
}

#[test]
fn a_fresh_read_adds_an_account_that_appeared_and_skips_one_gone() {
    let bob = user("bob");
    let ctx = context(&bob);
    let ticket = Ticket::parse(&TicketInput {
        external_id: Some("HR-1".into()),
        email: Some("bob@acme.test".into()),
        hub_username: Some("bob".into()),
        manager_email: Some("erin@acme.test".into()),
        ..TicketInput::default()
    })
    .expect("ticket");
    let mut case = Case::open(CaseId::random(), &ticket, time::OffsetDateTime::UNIX_EPOCH);
    let step = |name: &str, state| Step {
        state,
        ..Step::planned(
            StepId::random(),
            StepKind::DeprovisionApp,
            Target::App(name.into()),
            Strategy::Scim,
        )
    };
    case.steps = vec![
        step("15five", StepState::Approved),
        step("8x8", StepState::Succeeded),
    ];
    let fresh = [
        app("15five", AppAction::Deactivate, Some(false)),
        app("8x8", AppAction::Deactivate, Some(true)),
        app("1password", AppAction::Delete, None),
    ];
    let found = reconcile_apps(&case, &ctx, &fresh, StepId::random);
    let added: Vec<String> = found
        .added
        .iter()
        .map(|a| format!("{} {}", a.step.target, a.reason))
        .collect();
    assert_eq!(
        added,
        ["app:8x8 account in app:8x8 came back after it was taken away"]
    );
    assert!(!found.added[0].step.needs_approval);
    assert_eq!(found.skipped.len(), 1);
    assert_eq!(found.skipped[0].step, case.steps[0].id);
    assert!(found.blockers.is_empty());
    let clean = reconcile_apps(
        &case,
        &ctx,
        &[app("8x8", AppAction::Delete, None)],
        StepId::random,
    );
    assert!(clean.added.is_empty() && clean.blockers.is_empty());
}
