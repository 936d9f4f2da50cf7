//! A last-admin situation that appears between planning and execution is not covered by the
//! approval already given: the fresh read before the first write asks the approvers again about
//! promoting the successor, and with no successor named the case stops for an operator with the
//! reason. Nothing is written in that org meanwhile.

mod support;

use leaver_core::{CaseState, StepKind, StepState};
use leaver_store::Store;
use serde_json::Value;
use support::*;

/// [`world_with_repos_to_grant`] with carol an admin of acme-ai too: bob is not its last one.
fn two_admins() -> Value {
    let mut seed = world_with_repos_to_grant();
    let members = seed["orgs"][0]["members"].as_array_mut().expect("members");
    let carol = members
        .iter_mut()
        .find(|m| m["user"] == "carol")
        .expect("carol");
    carol["role"] = "admin".into();
    seed
}

#[tokio::test]
async fn a_new_last_admin_situation_asks_again_before_anything_is_written_in_that_org() {
    for world in World::all(two_admins()).await {
        let case = world.open("HR-1", "bob", Some("frank")).await;
        world.settle().await;
        let planned = world.store.case(case).await.expect("case");
        assert!(
            planned
                .steps
                .iter()
                .all(|s| s.kind != StepKind::ReassignLastAdmin),
            "carol is admin too"
        );
        world.set_role("acme-ai", "carol", "write").await;
        world.approve_all(case).await;
        world.settle().await;

        let asking = world.store.case(case).await.expect("case");
        assert_eq!(
            asking.state,
            CaseState::AwaitingApproval,
            "{:?}",
            asking.steps
        );
        let promote = asking
            .steps
            .iter()
            .find(|s| s.kind == StepKind::ReassignLastAdmin)
            .expect("the promotion the fresh read added");
        assert_eq!(promote.state, StepState::AwaitingApproval);
        assert!(
            promote
                .note
                .as_deref()
                .is_some_and(|n| n.contains("promoting frank needs a new approval")),
            "{:?}",
            promote.note
        );
        let acme_waits = asking
            .steps
            .iter()
            .filter(|s| s.target.org() == Some("acme-ai") && s.kind != StepKind::ReassignLastAdmin);
        assert!(acme_waits.clone().all(|s| s.state == StepState::Approved));
        let state = world.sim_state().await;
        assert_eq!(role(&state, "acme-ai", "bob").as_deref(), Some("admin"));

        world.approve_all(case).await;
        world.settle().await;
        let done = world.store.case(case).await.expect("case");
        assert_eq!(done.state, CaseState::Completed, "{:?}", done.steps);
        let state = world.sim_state().await;
        assert_eq!(role(&state, "acme-ai", "frank").as_deref(), Some("admin"));
        assert_eq!(holdings(&state, "bob"), Vec::<String>::new());
    }
}

#[tokio::test]
async fn a_new_last_admin_with_no_successor_stops_the_case_with_the_reason_and_writes_nothing() {
    for world in World::all(two_admins()).await {
        let case = world.open("HR-1", "bob", None).await;
        world.settle().await;
        world.set_role("acme-ai", "carol", "write").await;
        world.approve_all(case).await;
        world.settle().await;

        let stopped = world.store.case(case).await.expect("case");
        assert_eq!(stopped.state, CaseState::NeedsAttention);
        let refresh = &stopped.steps[0];
        assert_eq!(
            (refresh.kind, refresh.state),
            (StepKind::Refresh, StepState::Failed)
        );
        assert!(
            refresh
                .error
                .as_deref()
                .is_some_and(|e| e.contains("name a successor")),
            "{:?}",
            refresh.error
        );
        let writes = world.sim_calls().await["writes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(writes.len(), 1, "only the demotion: {writes:?}");
    }
}
