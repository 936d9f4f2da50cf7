//! `verify` reads the whole footprint, not the plan: a grant made while the case runs (after
//! its fresh read, before its verify) is found, planned and revoked, verify reads again, and
//! the case completes only then. Watched from outside while it runs: `completed` never shows
//! while the Hub shows the leaver holding anything.

mod support;

use leaver_core::{Case, CaseId, CaseState, StepKind, StepState};
use leaver_store::footprint_reads::digest;
use leaver_store::{ReportStore, Store};
use serde_json::json;
use std::time::Duration;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn access_granted_while_the_case_runs_is_found_by_verify_and_revoked_before_completion() {
    for world in World::all(world_with_repos_to_grant()).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        world.settle().await;
        world.approve_all(case).await;
        // Every Hub call now takes a while, so the case runs for seconds.
        world.set_faults(json!({"latency_ms": 40})).await;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let workers = tokio::spawn(world.engine.clone().run(2, stopped));

        let refresh = step_of(&world, case, StepKind::Refresh).await;
        wait_until(&world, case, |c| {
            state_of(c, refresh) == StepState::Succeeded
        })
        .await;
        // After the fresh read, before verify: outside the plan.
        world.grant("models/acme-ai/extra-model", "bob").await;
        let mut seen = Vec::new();
        loop {
            let now = world.store.case(case).await.expect("case");
            if seen.last() != Some(&now.state) {
                seen.push(now.state);
            }
            if now.state == CaseState::Completed {
                let holds = holdings(&world.sim_state().await, "bob");
                assert_eq!(
                    holds,
                    Vec::<String>::new(),
                    "completed while the Hub shows access"
                );
                break;
            }
            assert_ne!(now.state, CaseState::NeedsAttention, "{:?}", now.steps);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let _ = stop.send(true);
        workers.await.expect("workers");
        world.set_faults(json!({})).await;

        let done = world.store.case(case).await.expect("case");
        let verify = done
            .steps
            .iter()
            .find(|s| s.kind == StepKind::Verify)
            .expect("verify");
        let trail = world.store.audit_events(Some(case)).await.expect("trail");
        let by_verify: Vec<&serde_json::Value> = trail
            .iter()
            .filter(|r| r.data["event"]["step"] == verify.id.to_string())
            .map(|r| &r.data)
            .collect();
        let found = by_verify
            .iter()
            .find(|d| d["event"]["type"] == "footprint_changed")
            .expect("verify found the grant outside the plan");
        assert_eq!(
            found["event"]["added"][0]["reason"],
            "grant on model:acme-ai/extra-model appeared after planning"
        );
        assert_eq!(
            by_verify
                .iter()
                .filter(|d| d["event"]["type"] == "step_succeeded")
                .count(),
            1,
            "verify succeeded once, after it read again"
        );
        let outcomes: Vec<&str> = by_verify
            .iter()
            .filter_map(|d| d["event"]["type"].as_str())
            .filter(|t| *t != "step_started")
            .collect();
        assert_eq!(outcomes, ["footprint_changed", "step_succeeded"]);
        assert_eq!(
            access(&world.sim_state().await, "acme-ai/extra-model", "bob").as_deref(),
            Some("rejected")
        );
        assert!(seen.contains(&CaseState::Running), "{seen:?}");

        let evidence = &by_verify.last().expect("verify's success")["detail"]["evidence"];
        // The evidence names the pass it rested on by digest; the pass, kept once, names each
        // org's read by id and digest; each read, kept once, has every gated repo and its counts.
        assert_eq!(evidence["pass"]["orgs"], 2, "{evidence}");
        assert_eq!(evidence["pass"]["gated_repos"], 5, "{evidence}");
        let pass_id = evidence["pass"]["id"].as_str().expect("pass id").to_owned();
        let passes = world
            .store
            .footprint_passes(std::slice::from_ref(&pass_id))
            .await
            .expect("passes");
        let [pass] = &passes[..] else {
            panic!("one pass is kept under {pass_id}: {passes:?}");
        };
        assert_eq!(
            digest(&pass.entries),
            pass_id,
            "the pass is named by its digest"
        );
        let entries = pass.entries().expect("entries");
        let orgs: Vec<&str> = entries.iter().map(|e| e.org.as_str()).collect();
        assert_eq!(orgs, ["acme-ai", "beta-lab"], "every managed org is named");
        let ids: Vec<String> = entries.iter().map(|e| e.read.clone()).collect();
        let reads = world.store.footprint_reads(&ids).await.expect("reads");
        assert_eq!(reads.len(), 2, "both reads are kept");
        let snapshots: Vec<serde_json::Value> = reads
            .iter()
            .map(|read| {
                let named = entries.iter().find(|e| e.read == read.id).expect("named");
                assert_eq!(named.sha256, digest(&read.snapshot), "{named:?}");
                assert_eq!(named.org, read.org);
                serde_json::from_str(&read.snapshot).expect("snapshot")
            })
            .collect();
        let gated: Vec<(&String, &serde_json::Value)> = snapshots
            .iter()
            .flat_map(|o| o["gated"].as_object().expect("gated repos"))
            .collect();
        assert_eq!(gated.len(), 5, "every gated repo is named: {gated:?}");
        let counts = |name: &str| {
            gated
                .iter()
                .find(|(repo, _)| *repo == name)
                .map(|(_, counts)| (*counts).clone())
        };
        assert_eq!(counts("model:acme-ai/extra-model"), Some(json!([0, 0])));
        assert_eq!(
            counts("model:acme-ai/llama-ft"),
            Some(json!([1, 0])),
            "dave's grant is counted (accepted, pending)"
        );
        let acme = snapshots
            .iter()
            .find(|o| o["org"] == "acme-ai")
            .expect("acme-ai read");
        assert_eq!(acme["members"], 3, "leaver-bot, carol and frank");
    }
}

async fn step_of(world: &World, case: CaseId, kind: StepKind) -> leaver_core::StepId {
    let case = world.store.case(case).await.expect("case");
    case.steps
        .iter()
        .find(|s| s.kind == kind)
        .map(|s| s.id)
        .expect("step")
}

fn state_of(case: &Case, step: leaver_core::StepId) -> StepState {
    case.step(step).map(|s| s.state).expect("step")
}

async fn wait_until(world: &World, case: CaseId, done: impl Fn(&Case) -> bool) {
    for _ in 0..2000 {
        if done(&world.store.case(case).await.expect("case")) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the case never got there");
}
