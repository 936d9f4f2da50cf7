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
                "refresh case",
                "reassign_last_admin org:acme-ai",
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

#[tokio::test]
async fn a_refused_hub_write_fails_the_step_with_the_hubs_message_and_a_retry_finishes_the_case() {
    for world in World::all(world()).await {
        let case = world.open("HR-3", "bob", Some("carol")).await;
        world.settle().await;
        // The Hub refuses every role change for a while (403 is not retried).
        let faults = serde_json::json!({"fail_next": [
            {"route": "PUT /api/organizations/{org}/members/{user}/role", "status": 403, "count": 100}
        ]});
        world.set_faults(faults).await;
        world.approve_all(case).await;
        world.settle().await;

        let stuck = world.store.case(case).await.expect("case");
        assert_eq!(stuck.state, CaseState::NeedsAttention);
        let failed: Vec<_> = stuck
            .steps
            .iter()
            .filter(|s| s.state == StepState::Failed)
            .collect();
        assert!(
            failed.iter().any(|s| s.kind == StepKind::ReassignLastAdmin),
            "{failed:?}"
        );
        for step in &failed {
            assert!(
                step.error.as_deref().is_some_and(|e| e.contains("403")),
                "{:?}",
                step.error
            );
        }
        // Nothing that waits for the promotion ran: acme-ai's later steps and verify.
        let waiting = stuck.steps.iter().filter(|s| {
            s.kind == StepKind::Verify
                || (s.target.org() == Some("acme-ai") && s.kind != StepKind::ReassignLastAdmin)
        });
        assert!(
            waiting.clone().all(|s| s.state == StepState::Approved),
            "{:?}",
            stuck.steps
        );
        assert_eq!(
            role(&world.sim_state().await, "acme-ai", "bob").as_deref(),
            Some("admin")
        );

        // The cause goes away; an operator retries; nothing was lost.
        world.set_faults(serde_json::json!({})).await;
        let retries = failed
            .iter()
            .map(|s| leaver_core::Event::RetryRequested { step: s.id })
            .collect();
        let operator = leaver_store::Actor::operator("ops@acme.test");
        let now = time::OffsetDateTime::now_utc();
        world
            .store
            .record(case, retries, &operator, serde_json::json!({}), None, now)
            .await
            .expect("retry");
        world.settle().await;
        let done = world.store.case(case).await.expect("case");
        assert_eq!(done.state, CaseState::Completed, "{:?}", done.steps);
        assert_eq!(role(&world.sim_state().await, "acme-ai", "bob"), None);
    }
}
