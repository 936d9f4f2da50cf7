//! A whole offboarding against hubsim: plan, approve, execute, verify.

mod support;

use leaver_core::{CaseState, StepKind, StepState, Strategy};
use leaver_store::Store;
use support::*;

#[tokio::test]
async fn a_last_admin_with_grants_on_three_repos_is_fully_offboarded() {
    for world in World::all(world()).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        world.settle().await;
        let planned = world.store.case(case).await.expect("case");
        assert_eq!(
            planned.state,
            CaseState::AwaitingApproval,
            "{:?}",
            planned.blocked_reason
        );
        let kinds: Vec<String> = planned
            .steps
            .iter()
            .map(|s| format!("{} {}", s.kind, s.target))
            .collect();
        assert_eq!(
            kinds,
            [
                "reassign_last_admin org:acme-ai",
                "strip_access org:acme-ai",
                "strip_access org:beta-lab",
                "revoke_gated_access model:acme-ai/llama-ft",
                "revoke_gated_access dataset:acme-ai/faces",
                "revoke_gated_access model:beta-lab/secret",
                "remove_member org:acme-ai",
                "remove_member org:beta-lab",
                "flag_tokens person:bob",
                "verify case",
            ]
        );
        assert!(planned.steps.iter().all(|s| s.strategy == Strategy::Api));

        world.approve_all(case).await;
        world.settle().await;

        let done = world.store.case(case).await.expect("case");
        let states: Vec<_> = done
            .steps
            .iter()
            .map(|s| (s.kind, s.state, s.error.clone()))
            .collect();
        assert_eq!(done.state, CaseState::Completed, "{states:?}");
        assert!(done.steps.iter().all(|s| s.state == StepState::Succeeded));

        let state = world.sim_state().await;
        assert_eq!(role(&state, "acme-ai", "carol").as_deref(), Some("admin"));
        assert_eq!(role(&state, "acme-ai", "bob"), None);
        assert_eq!(role(&state, "beta-lab", "bob"), None);
        for repo in ["acme-ai/llama-ft", "acme-ai/faces", "beta-lab/secret"] {
            assert_eq!(
                access(&state, repo, "bob").as_deref(),
                Some("rejected"),
                "{repo}"
            );
        }
        assert_eq!(
            access(&state, "acme-ai/llama-ft", "dave").as_deref(),
            Some("accepted"),
            "others keep theirs"
        );

        let report = world.store.verify_audit().await.expect("verify");
        assert!(report.broken.is_none(), "{:?}", report.broken);
        let trail = world.store.audit_events(Some(case)).await.expect("trail");
        let verify = trail
            .iter()
            .rev()
            .find(|r| r.kind == "step_succeeded")
            .expect("verify recorded");
        assert_eq!(
            verify.data["detail"]["evidence"]["leaver"], "bob",
            "the verify snapshot is the evidence"
        );
        assert!(done.steps.iter().any(|s| s.kind == StepKind::Verify
            && s.note.as_deref().is_some_and(|n| n.contains("verified"))));
    }
}

#[tokio::test]
async fn a_last_admin_without_a_successor_blocks_and_nothing_touches_the_hub() {
    for world in World::all(world()).await {
        let case = world.open("HR-2", "bob", None).await;
        world.settle().await;
        let blocked = world.store.case(case).await.expect("case");
        assert_eq!(blocked.state, CaseState::NeedsAttention);
        assert!(
            blocked
                .blocked_reason
                .as_deref()
                .is_some_and(|r| r.contains("name a successor")),
            "{:?}",
            blocked.blocked_reason
        );
        let calls = world.sim_calls().await;
        assert_eq!(
            calls["writes"].as_array().map(Vec::len),
            Some(0),
            "no write reached the Hub"
        );
    }
}
