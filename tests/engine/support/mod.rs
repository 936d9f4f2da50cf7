//! What the engine tests share: the world, hubsim, the `leaver serve` process, and the case
//! bookkeeping done straight through the store (as HR and the approvers would through the API).

pub mod hub;
pub mod serve;
pub mod world;

pub use hub::*;
pub use serve::Server;
pub use world::*;

use leaver_core::{CaseId, CaseState, Event, StepState, Ticket, TicketInput};
use leaver_store::{Actor, CaseFilter, SqlStore, Store};
use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Opens one case per leaver of `world`, through the store's batch intake.
pub async fn open_cases(store: &SqlStore, world: &World) -> Vec<CaseId> {
    let tickets: Vec<(Ticket, CaseId)> = world
        .leavers
        .iter()
        .map(|leaver| {
            let input = TicketInput {
                external_id: Some(format!("HR-{leaver}")),
                email: Some(format!("{leaver}@acme.test")),
                hub_username: Some(leaver.clone()),
                manager_email: Some("erin@acme.test".into()),
                successor: world.successor(leaver).map(Into::into),
                ..TicketInput::default()
            };
            (Ticket::parse(&input).expect("ticket"), CaseId::random())
        })
        .collect();
    let opened = store
        .open_cases(&tickets, &Actor::api("hr"), OffsetDateTime::now_utc())
        .await
        .expect("open");
    opened
        .into_iter()
        .map(|o| o.expect("opened").case.id)
        .collect()
}

/// Approves every step that awaits approval, as the managers would, and returns how many cases
/// are completed.
pub async fn approve_waiting(store: &SqlStore) -> usize {
    let all = store.list_cases(&everything()).await.expect("cases");
    for case in all
        .iter()
        .filter(|c| c.state == CaseState::AwaitingApproval)
    {
        let steps = case
            .steps
            .iter()
            .filter(|s| s.state == StepState::AwaitingApproval)
            .map(|s| s.id)
            .collect();
        store
            .record(
                case.id,
                vec![Event::Approved { steps }],
                &Actor::approver("erin@acme.test"),
                json!({}),
                None,
                OffsetDateTime::now_utc(),
            )
            .await
            .expect("approve");
    }
    all.iter()
        .filter(|c| c.state == CaseState::Completed)
        .count()
}

fn everything() -> CaseFilter {
    CaseFilter {
        limit: Some(10_000),
        ..CaseFilter::default()
    }
}

/// Approves and waits until `cases` cases are completed; `tick` runs between polls (to kill a
/// server, say). Panics with the cases' states after `timeout`.
pub async fn drive_to_completion<F>(store: &SqlStore, cases: usize, timeout: Duration, mut tick: F)
where
    F: AsyncFnMut(usize),
{
    let deadline = Instant::now() + timeout;
    loop {
        let completed = approve_waiting(store).await;
        if completed == cases {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "only {completed} of {cases} cases completed in {timeout:?}: {:?}",
            states(store).await
        );
        tick(completed).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How many cases are in each state, and the errors of steps that are not done.
async fn states(store: &SqlStore) -> Vec<String> {
    let cases = store.list_cases(&everything()).await.expect("cases");
    let mut by_state: HashMap<String, usize> = HashMap::new();
    let mut problems = Vec::new();
    for case in &cases {
        *by_state.entry(case.state.to_string()).or_default() += 1;
        for step in case
            .steps
            .iter()
            .filter(|s| s.state != StepState::Succeeded)
        {
            problems.push(format!(
                "{} {} {} {:?}",
                case.person.hub_username_text(),
                step.kind,
                step.state,
                step.error
            ));
        }
    }
    problems.truncate(10);
    problems.insert(0, format!("{by_state:?}"));
    problems
}

/// Asserts the audit trail is intact and that every step of every case succeeded exactly once,
/// and was started once plus once per failed attempt (a retry is the only reason to start a
/// step again).
pub async fn assert_each_step_carried_out_once(store: &SqlStore) {
    let report = store.verify_audit().await.expect("verify");
    assert!(report.broken.is_none(), "{:?}", report.broken);
    let trail = store.audit_events(None).await.expect("trail");
    let mut count: HashMap<(String, String), u32> = HashMap::new();
    for record in &trail {
        if let Some(step) = record.data["event"]["step"].as_str() {
            *count
                .entry((record.kind.clone(), step.to_owned()))
                .or_default() += 1;
        }
    }
    let n = |kind: &str, step: &str| count.get(&(kind.into(), step.into())).copied().unwrap_or(0);
    for case in store.list_cases(&everything()).await.expect("cases") {
        assert_eq!(
            case.state,
            CaseState::Completed,
            "{}",
            case.person.hub_username_text()
        );
        for step in &case.steps {
            let id = step.id.to_string();
            let what = format!(
                "{} {} of {}",
                step.kind,
                step.target,
                case.person.hub_username_text()
            );
            assert_eq!(n("step_succeeded", &id), 1, "{what} succeeded once");
            assert_eq!(
                n("step_started", &id),
                1 + n("step_failed", &id),
                "{what} started once per attempt"
            );
        }
    }
}
