//! The planner, from hand-built org facts.

mod facts;

use facts::{gated, org, user};
use leaver_core::plan::*;
use leaver_core::*;

fn plan_for(leaver: &str, successor: Option<&str>, orgs: &[OrgFacts]) -> Plan {
    let leaver = user(leaver);
    let successor = successor.map(user);
    let ctx = PlanContext {
        leaver: &leaver,
        successor: successor.as_ref(),
        service_accounts: &[],
        revoke_to: AccessStatus::Rejected,
        no_account: false,
        leaving: &[],
    };
    let mut n = 0u128;
    plan(&ctx, orgs, || {
        n += 1;
        StepId(uuid::Uuid::from_u128(n))
    })
}

fn summary(plan: &Plan) -> Vec<String> {
    plan.steps
        .iter()
        .map(|s| format!("{} {} {}", s.step.kind, s.step.target, s.step.strategy))
        .collect()
}

#[test]
fn the_last_admin_gets_the_successor_promoted_first() {
    let acme = org(
        "acme-ai",
        HubPlan::Team,
        &[("bob", "admin"), ("carol", "write")],
    );
    let plan = plan_for("bob", Some("carol"), &[acme]);
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    assert_eq!(
        summary(&plan),
        [
            "refresh case api",
            "reassign_last_admin org:acme-ai api",
            "remove_member org:acme-ai api",
            "flag_tokens person:bob api",
            "verify case api",
        ]
    );
    assert!(
        plan.steps[1]
            .calls
            .iter()
            .any(|c| c.starts_with("PUT /api/organizations/acme-ai/members/carol/role"))
    );
}

#[test]
fn leavers_own_account_and_service_accounts_do_not_count_as_remaining_admins() {
    let acme = org(
        "acme-ai",
        HubPlan::Team,
        &[("bob", "write"), ("ci-bot", "admin")],
    );
    let leaver = user("bob");
    let ctx = PlanContext {
        leaver: &leaver,
        successor: None,
        service_accounts: &["ci-bot".into()],
        revoke_to: AccessStatus::Rejected,
        no_account: false,
        leaving: &[],
    };
    let plan = plan(&ctx, &[acme], StepId::random);
    assert_eq!(
        plan.blockers.len(),
        1,
        "only service accounts would remain admin: {:?}",
        plan.blockers
    );
}

#[test]
fn with_no_successor_named_the_plan_says_it_needs_one_and_cannot_run() {
    let acme = org(
        "acme-ai",
        HubPlan::Team,
        &[("bob", "admin"), ("carol", "write")],
    );
    let plan = plan_for("bob", None, &[acme]);
    assert_eq!(plan.blockers.len(), 1);
    assert!(
        plan.blockers[0].contains("name a successor"),
        "{}",
        plan.blockers[0]
    );
    match plan.into_event() {
        Event::Planned {
            blocked_reason: Some(reason),
            ..
        } => assert!(reason.contains("acme-ai")),
        other => panic!("expected a blocked plan, got {other:?}"),
    }
}

#[test]
fn a_successor_who_is_not_a_member_blocks_the_plan() {
    let acme = org("acme-ai", HubPlan::Team, &[("bob", "admin")]);
    let plan = plan_for("bob", Some("zed"), &[acme]);
    assert!(
        plan.blockers
            .iter()
            .any(|b| b.contains("zed is not a member")),
        "{:?}",
        plan.blockers
    );
}

#[test]
fn a_leaver_on_two_orgs_is_planned_on_both_in_kind_order() {
    let acme = org(
        "acme-ai",
        HubPlan::Team,
        &[("bob", "admin"), ("carol", "admin")],
    );
    let mut beta = org(
        "beta-lab",
        HubPlan::Team,
        &[("bob", "read"), ("dave", "admin")],
    );
    beta.gated_repos = vec![
        gated("beta-lab/secret", &[("bob", AccessStatus::Accepted)]),
        gated("beta-lab/other", &[]),
    ];
    let plan = plan_for("bob", None, &[acme, beta]);
    assert!(plan.blockers.is_empty());
    assert_eq!(
        summary(&plan),
        [
            "refresh case api",
            "revoke_gated_access model:beta-lab/secret api",
            "remove_member org:acme-ai api",
            "remove_member org:beta-lab api",
            "flag_tokens person:bob api",
            "verify case api",
        ]
    );
}

#[test]
fn grants_on_an_orgs_gated_repos_are_revoked_even_for_a_non_member() {
    let mut acme = org("acme-ai", HubPlan::Team, &[("carol", "admin")]);
    acme.gated_repos = vec![gated("acme-ai/llama", &[("bob", AccessStatus::Pending)])];
    let plan = plan_for("bob", None, &[acme]);
    assert_eq!(
        summary(&plan)[1],
        "revoke_gated_access model:acme-ai/llama api"
    );
    assert!(plan.steps[1].calls[0].contains(r#""status":"rejected""#));
}

#[test]
fn an_enterprise_scim_org_removes_through_scim() {
    let mut corp = org(
        "corp",
        HubPlan::Enterprise,
        &[("bob", "write"), ("carol", "admin")],
    );
    corp.scim = ScimMode::Managed;
    corp.invitations = Some(vec![]);
    let plan = plan_for("bob", None, &[corp]);
    assert!(summary(&plan).contains(&"remove_member org:corp scim".to_string()));
    let removal = plan
        .steps
        .iter()
        .find(|s| s.step.kind == StepKind::RemoveMember)
        .expect("removal");
    assert!(
        removal
            .calls
            .iter()
            .any(|c| c.starts_with("PATCH /api/organizations/corp/scim/v2/Users/"))
    );
}

#[test]
fn a_pending_invitation_on_a_basic_sso_org_is_cancelled_through_scim() {
    let mut corp = org("corp", HubPlan::Enterprise, &[("carol", "admin")]);
    corp.scim = ScimMode::Basic;
    corp.invitations = Some(vec!["bob".into()]);
    let plan = plan_for("bob", None, &[corp]);
    assert_eq!(summary(&plan)[1], "cancel_invitation org:corp scim");
}

#[test]
fn a_free_plan_org_gets_guided_manual_steps() {
    let free = org(
        "hobby",
        HubPlan::Free,
        &[("bob", "admin"), ("carol", "write")],
    );
    let plan = plan_for("bob", Some("carol"), &[free]);
    assert_eq!(
        summary(&plan)[1..4],
        [
            "reassign_last_admin org:hobby manual",
            "strip_access org:hobby manual",
            "remove_member org:hobby manual"
        ]
    );
    assert!(plan.steps[2].calls[0].contains("Settings → Members"));
}

#[test]
fn a_read_only_token_gets_manual_steps_and_a_leavers_own_token_blocks_the_plan() {
    let mut acme = org(
        "acme-ai",
        HubPlan::Team,
        &[("bob", "write"), ("carol", "admin")],
    );
    acme.token.can_write = false;
    acme.gated_repos = vec![gated("acme-ai/llama", &[("bob", AccessStatus::Accepted)])];
    let plan = plan_for("bob", None, std::slice::from_ref(&acme));
    assert!(
        plan.steps
            .iter()
            .filter(|s| s.step.kind.acts_on_footprint())
            .all(|s| s.step.strategy == Strategy::Manual)
    );
    acme.token.user = "bob".into();
    let plan = plan_for("bob", None, &[acme]);
    assert!(
        plan.blockers
            .iter()
            .any(|b| b.contains("replace LEAVER_HUB_TOKEN")),
        "{:?}",
        plan.blockers
    );
}
