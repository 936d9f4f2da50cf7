//! Leavers offboarded together share the Hub reads: one member list of the org per batch and
//! one access list per repo, before a write and after it (each read-back from a read started
//! after the write was answered), where reading per leaver would cost one of each per step.

mod support;

use leaver_core::CaseState;
use leaver_store::Store;
use serde_json::{Value, json};
use support::*;

const LEAVERS: usize = 8;

/// acme-ai (team): leaver-bot and owner are admins, `lv-0`..`lv-7` write members, each holding
/// accepted access to one of two gated models. beta-lab is empty but for Leaver's account.
fn crowd() -> Value {
    let leavers: Vec<String> = (0..LEAVERS).map(|n| format!("lv-{n}")).collect();
    let mut users = vec![
        json!({"username": "leaver-bot", "fullname": "Leaver Bot"}),
        json!({"username": "owner", "fullname": "Owner"}),
    ];
    let mut members = vec![
        json!({"user": "leaver-bot", "role": "admin"}),
        json!({"user": "owner", "role": "admin"}),
    ];
    let mut requests = vec![Vec::new(), Vec::new()];
    for (n, leaver) in leavers.iter().enumerate() {
        users.push(json!({"username": leaver, "fullname": "Leaver"}));
        members.push(json!({"user": leaver, "role": "write"}));
        requests[n % 2].push(json!({"user": leaver, "status": "accepted"}));
    }
    let repos: Vec<Value> = requests
        .into_iter()
        .enumerate()
        .map(|(r, access_requests)| {
            json!({"id": format!("acme-ai/m-{r}"), "type": "model", "private": false,
                   "gated": "manual", "access_requests": access_requests})
        })
        .collect();
    json!({
        "users": users,
        "tokens": [{"user": "leaver-bot", "value": TOKEN}],
        "orgs": [
            {"name": "acme-ai", "plan": "team", "scim": "none", "members": members},
            {"name": "beta-lab", "plan": "team", "scim": "none",
             "members": [{"user": "leaver-bot", "role": "admin"}]}
        ],
        "repos": repos
    })
}

#[tokio::test]
async fn leavers_approved_together_share_the_reads_before_each_write() {
    for world in World::all(crowd()).await {
        let mut cases = Vec::new();
        for n in 0..LEAVERS {
            cases.push(
                world
                    .open(&format!("HR-{n}"), &format!("lv-{n}"), None)
                    .await,
            );
        }
        world.settle().await;
        for case in &cases {
            world.approve_all(*case).await;
        }
        world.settle().await;
        for case in &cases {
            let done = world.store.case(*case).await.expect("case");
            assert_eq!(done.state, CaseState::Completed, "{:?}", done.steps);
        }
        let state = world.sim_state().await;
        for n in 0..LEAVERS {
            let leaver = format!("lv-{n}");
            assert_eq!(role(&state, "acme-ai", &leaver), None, "{leaver} removed");
            let repo = format!("acme-ai/m-{}", n % 2);
            assert_eq!(access(&state, &repo, &leaver).as_deref(), Some("rejected"));
        }

        let calls = world.sim_calls().await;
        let reads = |route: &str| calls["by_route"][route].as_u64().unwrap_or(0) as usize;
        // Shared: the index's list; one list per org for each fresh read (refresh, verify: one
        // under way at a time, so the cases of a run share a few); one read-back per batch for
        // the removals. Per leaver it would be a search and a read-back each: 16 and more here.
        let member_lists = reads("GET /api/organizations/{org}/members");
        assert!(
            member_lists <= LEAVERS,
            "{member_lists} member list reads for {LEAVERS} leavers: {calls:#}"
        );
        // Revoking writes without reading first (the write is the same whatever the lists
        // show); the read-backs of one repo's writes in a batch share a read, and the fresh
        // reads cover accepted and pending of both repos. Per step it would be six per leaver.
        let access_lists = reads("GET /api/models/{ns}/{name}/user-access-request/{status}");
        assert!(
            access_lists <= LEAVERS + 8,
            "{access_lists} access list reads for {LEAVERS} leavers: {calls:#}"
        );
    }
}
