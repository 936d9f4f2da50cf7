//! Retrying by time, not by count: a step the Hub keeps failing transiently is tried again, many
//! more times than the old five attempts, until its time budget (`EngineConfig::retry_for`,
//! counted from its first failure in a row) is spent; only then does it fail for good, with the
//! Hub's message, and the case needs an operator. A permanent answer fails it at once. Time is a
//! manual clock, moved to each next try: nothing sleeps.

mod support;

use leaver_core::{CaseId, CaseState, Step, StepState};
use leaver_engine::{Clock, Engine, EngineConfig, ManualClock};
use leaver_hub::{HubClient, HubConfig};
use leaver_store::Store;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use support::*;
use time::OffsetDateTime;

const BUDGET: Duration = Duration::from_secs(3600);

/// An engine over the world's store and Hub, on `clock`, with a one-hour retry budget.
fn engine_on(world: &World, clock: &ManualClock) -> Arc<Engine> {
    let base = url::Url::parse(&world.sim.url).expect("url");
    let config = HubConfig::new(base, TOKEN.to_owned().into())
        .with_retries(1, Duration::ZERO, Duration::ZERO)
        .with_circuit(0, Duration::ZERO, Duration::ZERO);
    let engine_config = EngineConfig {
        orgs: vec!["acme-ai".into(), "beta-lab".into()],
        retry_for: BUDGET,
        backoff_base: Duration::from_secs(2),
        backoff_cap: Duration::from_secs(600),
        ..EngineConfig::default()
    };
    let hub = HubClient::new(config).expect("client");
    Engine::new(
        world.store.clone(),
        hub,
        Arc::new(clock.clone()),
        engine_config,
    )
}

/// A manual clock a minute ahead of the wall clock, so that the jobs the store queues at the
/// wall clock's time are due.
fn started_clock() -> ManualClock {
    ManualClock::new(OffsetDateTime::now_utc() + time::Duration::minutes(1))
}

/// The case's failed step, if one failed.
async fn failed_step(world: &World, case: CaseId) -> Option<Step> {
    let case = world.store.case(case).await.expect("case");
    case.steps
        .into_iter()
        .find(|s| s.state == StepState::Failed)
}

/// Opens and approves a case for bob while the Hub is healthy; returns it.
async fn approved_case(world: &World, engine: &Arc<Engine>) -> CaseId {
    let case = world.open("HR-1", "bob", Some("carol")).await;
    engine.run_until_idle().await.expect("plan");
    world.approve_all(case).await;
    case
}

#[tokio::test]
async fn a_step_the_hub_keeps_failing_is_retried_for_its_time_budget_then_needs_an_operator() {
    for world in World::all(world()).await {
        let clock = started_clock();
        let engine = engine_on(&world, &clock);
        let case = approved_case(&world, &engine).await;
        world
            .set_faults(json!({"error_rate": 1.0, "error_status": 503}))
            .await;

        let mut since = None;
        let mut tries = 0;
        let failed = loop {
            engine.run_until_idle().await.expect("engine");
            let step = failed_step(&world, case).await.expect("a step failed");
            since.get_or_insert(step.failing_since.expect("failing_since is set"));
            assert_eq!(
                step.failing_since, since,
                "the budget's clock does not restart"
            );
            let Some(next) = step.next_retry_at else {
                break step;
            };
            tries += 1;
            assert!(tries < 1000, "the budget ends");
            assert_eq!(
                step.retrying_since(),
                since,
                "retrying while a next try is set"
            );
            assert!(
                next - clock.now() <= time::Duration::seconds(600),
                "the backoff is capped at ten minutes"
            );
            clock.advance(next - clock.now());
        };

        let since = since.expect("since");
        assert!(tries > 5, "retried by time, not five times: {tries}");
        assert!(
            clock.now() >= since + BUDGET,
            "not before the budget is spent"
        );
        let error = failed.error.clone().expect("error");
        assert!(error.contains("503"), "the Hub's message: {error}");
        assert!(error.contains("LEAVER_RETRY_FOR_SECS"), "{error}");
        assert_eq!(failed.retrying_since(), None, "failed for good");
        let now = world.store.case(case).await.expect("case");
        assert_eq!(now.state, CaseState::NeedsAttention);
    }
}

#[tokio::test]
async fn a_permanent_answer_fails_the_step_at_once_and_an_operator_retry_starts_a_new_budget() {
    for world in World::all(world()).await {
        let clock = started_clock();
        let engine = engine_on(&world, &clock);
        let case = approved_case(&world, &engine).await;
        world
            .set_faults(json!({"error_rate": 1.0, "error_status": 403}))
            .await;
        engine.run_until_idle().await.expect("engine");
        let failed = failed_step(&world, case).await.expect("a step failed");
        assert_eq!(failed.next_retry_at, None, "a 403 is not retried");
        assert!(failed.error.as_deref().is_some_and(|e| e.contains("403")));
        assert!(failed.failing_since.is_some());

        world.set_faults(json!({})).await;
        world
            .store
            .record(
                case,
                vec![leaver_core::Event::RetryRequested { step: failed.id }],
                &leaver_store::Actor::cli(),
                json!({}),
                None,
                clock.now(),
            )
            .await
            .expect("retry");
        let retried = world.store.case(case).await.expect("case");
        let step = retried.step(failed.id).expect("step");
        assert_eq!(
            step.failing_since, None,
            "an operator's retry starts afresh"
        );
        engine.run_until_idle().await.expect("engine");
        let done = world.store.case(case).await.expect("case");
        let step = done.step(failed.id).expect("step");
        assert_eq!(step.state, StepState::Succeeded);
        assert_eq!(step.failing_since, None);
    }
}
