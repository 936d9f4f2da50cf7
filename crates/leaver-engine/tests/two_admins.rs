//! Two admins of one org leave at once, each planned while the other still counted as the
//! human admin who stays. Carried out together, the second change must see the first and stop:
//! the org keeps a human admin, and the other case waits for an operator.

mod support;

use leaver_core::{CaseState, StepKind, StepState};
use leaver_store::Store;
use serde_json::{Value, json};
use support::*;

/// acme-ai: leaver-bot, alice and bob are admins, carol writes. Alice and bob both leave.
fn two_admins() -> Value {
    json!({
        "users": [
            {"username": "leaver-bot", "fullname": "Leaver Bot"},
            {"username": "alice", "fullname": "Alice A"},
            {"username": "bob", "fullname": "Bob B"},
            {"username": "carol", "fullname": "Carol C"}
        ],
        "tokens": [{"user": "leaver-bot", "value": TOKEN}],
        "orgs": [
            {"name": "acme-ai", "plan": "team", "scim": "none",
             "members": [{"user": "leaver-bot", "role": "admin"}, {"user": "alice", "role": "admin"},
                         {"user": "bob", "role": "admin"}, {"user": "carol", "role": "write"}]},
            {"name": "beta-lab", "plan": "team", "scim": "none",
             "members": [{"user": "leaver-bot", "role": "admin"}]}
        ],
        "repos": []
    })
}

#[tokio::test]
async fn two_admins_leaving_together_never_leave_the_org_without_a_human_admin() {
    for world in World::all(two_admins()).await {
        let alice = world.open("HR-1", "alice", None).await;
        let bob = world.open("HR-2", "bob", None).await;
        world.settle().await;
        for case in [alice, bob] {
            let planned = world.store.case(case).await.expect("case");
            assert!(
                planned
                    .steps
                    .iter()
                    .all(|s| s.kind != StepKind::ReassignLastAdmin),
                "each was planned with the other as the admin who stays"
            );
            world.approve_all(case).await;
        }
        world.settle().await;

        let state = world.sim_state().await;
        let human_admins: Vec<&str> = ["alice", "bob", "carol"]
            .into_iter()
            .filter(|user| role(&state, "acme-ai", user).as_deref() == Some("admin"))
            .collect();
        assert_eq!(
            human_admins.len(),
            1,
            "one of them stays admin: {human_admins:?}"
        );
        let mut states = Vec::new();
        for case in [alice, bob] {
            states.push(world.store.case(case).await.expect("case"));
        }
        let held: Vec<_> = states
            .iter()
            .filter(|c| c.state == CaseState::NeedsAttention)
            .collect();
        assert_eq!(
            held.len(),
            1,
            "{:?}",
            states.iter().map(|c| c.state).collect::<Vec<_>>()
        );
        let refused = held[0]
            .steps
            .iter()
            .find(|s| s.state == StepState::Failed)
            .expect("a failed step");
        assert!(
            refused
                .error
                .as_deref()
                .is_some_and(|e| e.contains("last human admin")),
            "{:?}",
            refused.error
        );
    }
}
