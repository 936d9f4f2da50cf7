//! Plans that say what Leaver did not find instead of ending green: a leaver in none of the
//! managed orgs (blocked until an operator confirms), a username no account has, a successor
//! who is the leaver or leaving too; usernames compared as the Hub compares them.

mod facts;
mod fixture;

use facts::{gated, org, user};
use leaver_core::plan::*;
use leaver_core::*;

fn plan_with(
    leaver: &str,
    successor: Option<&str>,
    no_account: bool,
    leaving: &[(HubUsername, CaseId)],
    orgs: &[OrgFacts],
) -> Plan {
    let leaver = user(leaver);
    let successor = successor.map(user);
    let ctx = PlanContext {
        leaver: &leaver,
        successor: successor.as_ref(),
        service_accounts: &[],
        revoke_to: AccessStatus::Rejected,
        no_account,
        leaving,
    };
    let mut n = 0u128;
    plan(&ctx, orgs, || {
        n += 1;
        StepId(uuid::Uuid::from_u128(n))
    })
}

fn kinds(plan: &Plan) -> Vec<StepKind> {
    plan.steps.iter().map(|s| s.step.kind).collect()
}

fn two_orgs() -> Vec<OrgFacts> {
    vec![
        org(
            "acme-ai",
            HubPlan::Team,
            &[("alice", "admin"), ("carol", "admin")],
        ),
        org("beta", HubPlan::Enterprise, &[("carol", "admin")]),
    ]
}

#[test]
fn a_leaver_found_in_no_org_blocks_the_plan_naming_the_orgs() {
    let plan = plan_with("dora", None, false, &[], &two_orgs());
    assert_eq!(
        plan.blockers,
        ["dora holds nothing Leaver can see in acme-ai, beta: confirm or cancel"]
    );
    assert_eq!(
        kinds(&plan),
        [StepKind::Refresh, StepKind::FlagTokens, StepKind::Verify]
    );
}

#[test]
fn gated_access_alone_is_something_held() {
    let mut orgs = two_orgs();
    orgs[1].gated_repos = vec![gated("beta/model", &[("Dora", AccessStatus::Accepted)])];
    let plan = plan_with("dora", None, false, &[], &orgs);
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    assert!(kinds(&plan).contains(&StepKind::RevokeGatedAccess));
}

#[test]
fn a_username_no_account_has_blocks_the_plan_as_such() {
    let plan = plan_with("nosuchuser", None, true, &[], &two_orgs());
    assert_eq!(plan.blockers.len(), 1, "{:?}", plan.blockers);
    assert!(
        plan.blockers[0].starts_with("no Hugging Face account named nosuchuser"),
        "{:?}",
        plan.blockers
    );
}

#[test]
fn the_leaver_is_found_whatever_the_case_of_the_letters() {
    let plan = plan_with("Alice", None, false, &[], &two_orgs());
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    assert_eq!(
        kinds(&plan),
        [
            StepKind::Refresh,
            StepKind::RemoveMember,
            StepKind::FlagTokens,
            StepKind::Verify
        ]
    );
    assert!(holds_nothing(
        &PlanContext {
            leaver: &user("Dora"),
            successor: None,
            service_accounts: &[],
            revoke_to: AccessStatus::Rejected,
            no_account: false,
            leaving: &[],
        },
        &two_orgs()
    ));
}

#[test]
fn a_last_admin_whose_successor_is_spelled_otherwise_is_still_reassigned() {
    let orgs = [org(
        "acme-ai",
        HubPlan::Team,
        &[("alice", "admin"), ("carol", "write")],
    )];
    let plan = plan_with("alice", Some("Carol"), false, &[], &orgs);
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    assert!(kinds(&plan).contains(&StepKind::ReassignLastAdmin));
}

#[test]
fn the_leaver_cannot_be_their_own_successor_whatever_the_spelling() {
    let plan = plan_with("alice", Some("ALICE"), false, &[], &two_orgs());
    assert_eq!(plan.blockers.len(), 1, "{:?}", plan.blockers);
    assert!(
        plan.blockers[0].contains("the person leaving"),
        "{:?}",
        plan.blockers
    );
}

#[test]
fn a_successor_with_an_open_case_blocks_the_plan_naming_that_case() {
    let case = CaseId(uuid::Uuid::from_u128(42));
    let leaving = [(user("carol"), case)];
    let plan = plan_with("alice", Some("Carol"), false, &leaving, &two_orgs());
    assert_eq!(
        plan.blockers,
        [format!(
            "successor: Carol is leaving too (case {case}): name someone who stays"
        )]
    );
}

#[test]
fn the_successor_can_be_a_different_person() {
    let leaving = [(user("dora"), CaseId(uuid::Uuid::from_u128(42)))];
    let plan = plan_with("alice", Some("carol"), false, &leaving, &two_orgs());
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
}

mod confirming {
    use super::fixture::{NOW, opened, run};
    use super::*;

    fn blocked_for_nothing_held() -> Case {
        let plan = plan_with("bob", None, false, &[], &two_orgs());
        run(opened(), [plan.into_event()])
    }

    #[test]
    fn a_case_holding_nothing_waits_for_an_operator_then_goes_ahead() {
        let case = blocked_for_nothing_held();
        assert_eq!(case.state, CaseState::NeedsAttention);
        assert!(nothing_held::awaits_confirmation(&case));
        let t = apply(&case, Event::NothingHeldConfirmed, NOW).expect("legal");
        assert_eq!(t.case.blocked_reason, None);
        assert_eq!(t.case.state, CaseState::AwaitingApproval);
        let tokens = t
            .case
            .steps
            .iter()
            .find(|s| s.kind == StepKind::FlagTokens)
            .expect("tokens step");
        assert_eq!(tokens.state, StepState::AwaitingApproval);
        assert_eq!(
            t.effects,
            [Effect::RequestApproval {
                steps: vec![tokens.id]
            }]
        );
        assert!(
            apply(&t.case, Event::NothingHeldConfirmed, NOW).is_err(),
            "confirmed once only"
        );
    }

    #[test]
    fn only_a_case_blocked_for_holding_nothing_can_be_confirmed() {
        let no_account = run(
            opened(),
            [plan_with("bob", None, true, &[], &two_orgs()).into_event()],
        );
        let last_admin = run(
            opened(),
            [plan_with("carol", None, false, &[], &two_orgs()[1..]).into_event()],
        );
        for case in [opened(), no_account, last_admin] {
            assert!(!nothing_held::awaits_confirmation(&case));
            assert!(
                matches!(
                    apply(&case, Event::NothingHeldConfirmed, NOW),
                    Err(DomainError::IllegalCaseTransition { .. })
                ),
                "{:?}",
                case.blocked_reason
            );
        }
    }
}

#[test]
fn a_ticket_naming_the_leaver_as_successor_is_refused_whatever_the_spelling() {
    let errors = Ticket::parse(&TicketInput {
        external_id: Some("HR-9".into()),
        email: Some("alice@acme.test".into()),
        hub_username: Some("alice".into()),
        manager_email: Some("carol@acme.test".into()),
        successor: Some("Alice".into()),
        ..TicketInput::default()
    })
    .expect_err("refused");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "successor");
}
