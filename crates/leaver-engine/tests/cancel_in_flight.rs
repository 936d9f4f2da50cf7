//! An operator cancels a case while one of its steps is writing to the Hub. The step was
//! `running` in the database from the moment its job was claimed, so the outcome that arrives
//! after the cancel is recorded: the case ends cancelled, its trail holds the write that
//! happened on the Hub, and no other step starts.

mod support;

use leaver_core::{CaseState, Event, StepKind, StepState};
use leaver_store::{Actor, Store};
use serde_json::json;
use std::time::Duration;
use support::*;
use time::OffsetDateTime;

const ROLE_CHANGE: &str = "PUT /api/organizations/{org}/members/{user}/role";

#[tokio::test]
async fn a_cancel_during_a_hub_write_keeps_the_write_in_the_trail_and_starts_nothing_else() {
    for world in World::all(world()).await {
        let case = world.open("HR-1", "bob", Some("carol")).await;
        world.settle().await;
        world.approve_all(case).await;
        // The fresh read before the first write runs alone, first.
        world.engine.run_once().await.expect("refresh");
        // Every Hub call now takes a while: the read back after a write is slow enough for the
        // operator to cancel in between.
        world.set_faults(json!({"latency_ms": 400})).await;
        let engine = world.engine.clone();
        let batch = tokio::spawn(async move { engine.run_once().await });

        wait_for_a_role_change(&world).await;
        let during = world.store.case(case).await.expect("case");
        let cancel = Event::Cancelled {
            reason: "rehired".into(),
        };
        let operator = Actor::operator("ops@acme.test");
        let now = OffsetDateTime::now_utc();
        world
            .store
            .record(case, vec![cancel], &operator, json!({}), None, now)
            .await
            .expect("cancel");
        batch.await.expect("task").expect("the batch ran");
        world.set_faults(json!({})).await;
        world.settle().await;

        let done = world.store.case(case).await.expect("case");
        assert_eq!(done.state, CaseState::Cancelled);
        let promote = done
            .steps
            .iter()
            .find(|s| s.kind == StepKind::ReassignLastAdmin)
            .expect("the successor's promotion");
        assert_eq!(promote.state, StepState::Succeeded, "{:?}", done.steps);
        assert_eq!(
            role(&world.sim_state().await, "acme-ai", "carol").as_deref(),
            Some("admin"),
            "the write happened on the Hub"
        );

        let trail = world.store.audit_events(Some(case)).await.expect("trail");
        let step_of = |r: &leaver_core::audit::AuditRecord| {
            r.data["event"]["step"].as_str().map(str::to_owned)
        };
        let cancelled_at = trail
            .iter()
            .position(|r| r.kind == "cancelled")
            .expect("the cancel is in the trail");
        let (before, after) = trail.split_at(cancelled_at);
        let ended_before: Vec<String> = before
            .iter()
            .filter(|r| r.kind != "step_started")
            .filter_map(step_of)
            .collect();
        let in_flight: Vec<String> = before
            .iter()
            .filter(|r| r.kind == "step_started")
            .filter_map(step_of)
            .filter(|step| !ended_before.contains(step))
            .collect();
        assert!(
            in_flight.contains(&promote.id.to_string()),
            "the promotion started before the cancel: {:?}",
            kinds(&trail)
        );
        for step in &in_flight {
            let outcome = after
                .iter()
                .find(|r| step_of(r).as_ref() == Some(step) && r.kind != "step_started");
            let outcome = outcome.unwrap_or_else(|| {
                panic!(
                    "step {step} has no outcome after the cancel: {:?}",
                    kinds(&trail)
                )
            });
            assert!(
                ["step_succeeded", "step_failed"].contains(&outcome.kind.as_str()),
                "{}",
                outcome.kind
            );
        }
        let promoted = after
            .iter()
            .find(|r| r.kind == "step_succeeded" && step_of(r) == Some(promote.id.to_string()))
            .expect("the promotion's outcome");
        assert!(
            promoted.data["event"]["note"]
                .as_str()
                .is_some_and(|note| note.contains("carol is admin of acme-ai")),
            "{}",
            promoted.data
        );
        assert!(
            after.iter().all(|r| r.kind != "step_started"),
            "no step starts after the cancel: {:?}",
            kinds(&trail)
        );
        for step in done.steps.iter().filter(|s| {
            !in_flight.contains(&s.id.to_string()) && !ended_before.contains(&s.id.to_string())
        }) {
            assert_eq!(
                step.state,
                StepState::Skipped,
                "{} {}",
                step.kind,
                step.target
            );
        }
        assert_eq!(
            during.step(promote.id).map(|s| s.state),
            Some(StepState::Running),
            "the promotion was running in the database while its Hub call was in flight"
        );
    }
}

/// Waits until the Hub has carried out a role change (the step then reads it back, slowly).
async fn wait_for_a_role_change(world: &World) {
    for _ in 0..500 {
        if world.sim_calls().await["by_route"][ROLE_CHANGE].as_u64() > Some(0) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("no role change reached the Hub");
}

fn kinds(trail: &[leaver_core::audit::AuditRecord]) -> Vec<&str> {
    trail.iter().map(|r| r.kind.as_str()).collect()
}
