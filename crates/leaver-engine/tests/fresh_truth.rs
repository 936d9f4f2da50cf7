//! Fresh truth before the first write: a case planned from the org index is read again from the
//! Hub when it starts executing, and what the leaver gained since planning is taken away too,
//! under the approval already given, with the reason in the trail.

mod support;

use leaver_core::audit::AuditRecord;
use leaver_core::{CaseId, CaseState, StepKind, StepState, Target};
use leaver_store::Store;
use support::*;

#[tokio::test]
async fn grants_made_between_planning_and_approval_are_revoked_and_named_in_the_trail() {
    for world in World::all(world_with_repos_to_grant()).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        world.settle().await;
        let planned = world.store.case(case).await.expect("case");
        assert_eq!(planned.state, CaseState::AwaitingApproval);
        assert!(!has_revoke(&planned, "acme-ai/extra-model"));

        world.grant("models/acme-ai/extra-model", "bob").await;
        world.grant("datasets/beta-lab/extra-data", "bob").await;
        world.approve_all(case).await;
        world.settle().await;

        let done = world.store.case(case).await.expect("case");
        assert_eq!(done.state, CaseState::Completed, "{:?}", done.steps);
        assert!(has_revoke(&done, "acme-ai/extra-model"));
        assert!(has_revoke(&done, "beta-lab/extra-data"));
        let state = world.sim_state().await;
        assert_eq!(holdings(&state, "bob"), Vec::<String>::new());
        assert_eq!(
            access(&state, "beta-lab/extra-data", "bob").as_deref(),
            Some("rejected")
        );

        let reasons = additions(&world, case).await;
        assert_eq!(
            reasons,
            [
                "grant on model:acme-ai/extra-model appeared after planning",
                "grant on dataset:beta-lab/extra-data appeared after planning",
            ]
        );
    }
}

#[tokio::test]
async fn a_ticket_planned_from_an_index_read_before_a_grant_has_the_grant_revoked_before_it_completes()
 {
    for world in World::all(world_with_repos_to_grant()).await {
        let first = world.open("HR-1", "bob", Some("carol")).await;
        world.settle().await;
        // The index was read to plan HR-1; frank is granted a repo after that read, and his
        // ticket is planned from the same index.
        world.grant("models/acme-ai/extra-model", "frank").await;
        let second = world.open("HR-2", "frank", None).await;
        world.settle().await;
        let planned = world.store.case(second).await.expect("case");
        assert_eq!(planned.state, CaseState::AwaitingApproval);
        assert!(
            !has_revoke(&planned, "acme-ai/extra-model"),
            "planned from the index read before the grant: {:?}",
            planned.steps
        );

        world.approve_all(first).await;
        world.approve_all(second).await;
        world.settle().await;

        for case in [first, second] {
            let done = world.store.case(case).await.expect("case");
            assert_eq!(done.state, CaseState::Completed, "{:?}", done.steps);
        }
        let state = world.sim_state().await;
        assert_eq!(
            access(&state, "acme-ai/extra-model", "frank").as_deref(),
            Some("rejected")
        );
        assert_eq!(holdings(&state, "frank"), Vec::<String>::new());

        let trail = world.store.audit_events(Some(second)).await.expect("trail");
        let done = world.store.case(second).await.expect("case");
        let revoke = done
            .steps
            .iter()
            .find(|s| s.kind == StepKind::RevokeGatedAccess)
            .expect("the added revocation");
        assert_eq!(revoke.state, StepState::Succeeded);
        let revoked_at = position(&trail, |r| {
            r.kind == "step_succeeded" && r.data["event"]["step"] == revoke.id.to_string()
        });
        let completed_at = position(&trail, |r| r.data["state"] == "completed");
        assert!(
            revoked_at < completed_at,
            "revoked before the case completed"
        );
        assert_eq!(
            additions(&world, second).await,
            ["grant on model:acme-ai/extra-model appeared after planning"]
        );
    }
}

#[tokio::test]
async fn a_read_taken_before_a_case_was_approved_never_serves_its_fresh_read() {
    for world in World::all(world_with_repos_to_grant()).await {
        let first = world.open("HR-1", "bob", Some("carol")).await;
        let second = world.open("HR-2", "frank", None).await;
        world.settle().await;
        world.approve_all(first).await;
        // HR-1's fresh read runs alone and reads every org now.
        world.engine.run_once().await.expect("refresh");
        let refreshed = world.store.case(first).await.expect("case");
        assert_eq!(refreshed.steps[0].state, StepState::Succeeded);

        world.grant("models/acme-ai/extra-model", "frank").await;
        world.approve_all(second).await;
        world.settle().await;

        assert_eq!(
            additions(&world, second).await,
            ["grant on model:acme-ai/extra-model appeared after planning"],
            "HR-2 read the Hub again after its approval"
        );
        let done = world.store.case(second).await.expect("case");
        assert_eq!(done.state, CaseState::Completed, "{:?}", done.steps);
        let state = world.sim_state().await;
        assert_eq!(holdings(&state, "frank"), Vec::<String>::new());
    }
}

fn has_revoke(case: &leaver_core::Case, repo: &str) -> bool {
    case.steps.iter().any(|s| {
        s.kind == StepKind::RevokeGatedAccess
            && matches!(&s.target, Target::Repo { id, .. } if id == repo)
    })
}

/// The reasons of every step the fresh read before the first write (`refresh`) added to
/// `case`, in order.
async fn additions(world: &World, case: CaseId) -> Vec<String> {
    let trail = world.store.audit_events(Some(case)).await.expect("trail");
    let refresh = world.store.case(case).await.expect("case").steps[0].clone();
    assert_eq!(refresh.kind, StepKind::Refresh);
    let first_write = position(&trail, |r| {
        r.kind == "step_succeeded" && r.data["event"]["step"] != refresh.id.to_string()
    });
    trail[..first_write]
        .iter()
        .filter(|r| r.kind == "footprint_changed")
        .filter(|r| r.data["event"]["step"] == refresh.id.to_string())
        .flat_map(|r| {
            r.data["event"]["added"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|added| added["reason"].as_str().map(str::to_owned))
        .collect()
}

fn position(trail: &[AuditRecord], found: impl Fn(&AuditRecord) -> bool) -> usize {
    trail.iter().position(found).unwrap_or_else(|| {
        panic!(
            "not in the trail: {:?}",
            trail.iter().map(|r| &r.kind).collect::<Vec<_>>()
        )
    })
}
