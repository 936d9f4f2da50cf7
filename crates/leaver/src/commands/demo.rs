//! `leaver demo`: everything in one process with no set-up. A Hub simulator seeded with a demo
//! world (two orgs, one on Team and one Enterprise with SCIM; a leaver who is the last admin of
//! one of them), Leaver on a fresh SQLite file, and two demo cases to follow.

use crate::config::Settings;
use crate::runtime;
use anyhow::Context;
use leaver_core::{CaseId, CaseState, Event, StepState, Ticket, TicketInput};
use leaver_store::{Actor, Store};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

const WORLD: &str = include_str!("../../demo/world.json");
const DEMO_TOKEN: &str = "hf_demo_leaver_bot_admin";
const DEMO_DB: &str = "leaver-demo.db";

pub async fn run(mut settings: Settings, once: bool) -> anyhow::Result<()> {
    let seed = hubsim::Seed::from_json(WORLD)
        .map_err(|(path, e)| anyhow::anyhow!("the embedded demo world, at {path}: {e}"))?;
    let sim = hubsim::spawn(seed)
        .await
        .context("starting the Hub simulator")?;
    if settings.database_url == "sqlite://leaver.db" {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{DEMO_DB}{suffix}"));
        }
        settings.database_url = format!("sqlite://{DEMO_DB}");
    }
    settings.hub_url = sim.url.parse()?;
    settings.hub_token = Some(DEMO_TOKEN.to_owned().into());
    settings.orgs = vec!["acme-ai".into(), "northwind".into()];
    settings.service_accounts = vec!["leaver-bot".into()];
    if std::net::TcpListener::bind(settings.bind).is_err() {
        settings.bind = "127.0.0.1:0".parse()?;
    }
    let store = Arc::new(super::store(&settings).await?);
    let running = runtime::start(&settings, store.clone(), runtime::hub(&settings)?).await?;
    let cases = [
        open(&*store, "HR-1042", "bob", "Bob Baker", Some("carol")).await?,
        open(&*store, "HR-1043", "frank", "Frank Fox", None).await?,
    ];
    println!("Leaver demo");
    println!("  Leaver            {}/healthz", running.url);
    println!(
        "  Hub simulator     {}/_sim/state   (the demo world, live)",
        sim.url
    );
    println!("  database          {}", settings.database_url);
    println!(
        "  see the cases     LEAVER_DATABASE_URL={} leaver case list",
        settings.database_url
    );
    println!("Cases: HR-1042 (bob, last admin of acme-ai, successor carol), HR-1043 (frank).");
    println!("Until approval emails land, the demo approves each plan as the manager.\n");
    for case in cases {
        follow(&*store, case).await?;
    }
    let report = store.verify_audit().await?;
    println!(
        "\naudit trail: {} records, {}",
        report.records,
        if report.broken.is_none() {
            "intact"
        } else {
            "BROKEN"
        }
    );
    if !once {
        println!("\nServing until Ctrl-C.");
        runtime::shutdown_signal().await;
    }
    running.stop().await
}

async fn open(
    store: &dyn Store,
    id: &str,
    user: &str,
    name: &str,
    successor: Option<&str>,
) -> anyhow::Result<CaseId> {
    let ticket = Ticket::parse(&TicketInput {
        external_id: Some(id.into()),
        email: Some(format!("{user}@acme.test")),
        name: Some(name.into()),
        hub_username: Some(user.into()),
        manager_email: Some("erin@acme.test".into()),
        successor: successor.map(Into::into),
        reason: Some("resignation".into()),
        ..TicketInput::default()
    })
    .map_err(|e| anyhow::anyhow!("demo ticket: {e:?}"))?;
    Ok(store
        .open_case(
            &ticket,
            CaseId::random(),
            &Actor::cli(),
            OffsetDateTime::now_utc(),
        )
        .await?
        .case
        .id)
}

/// Waits for the plan, approves it as the manager, then waits for the case to finish.
async fn follow(store: &dyn Store, id: CaseId) -> anyhow::Result<()> {
    let planned = wait(store, id, |s| s != CaseState::Planning).await?;
    println!(
        "{} {}: planned {} steps",
        planned.external_id,
        planned.person.hub_username,
        planned.steps.len()
    );
    for step in &planned.steps {
        println!(
            "    {:<20} {:<28} {}",
            step.kind, step.target, step.strategy
        );
    }
    let waiting: Vec<_> = planned
        .steps
        .iter()
        .filter(|s| s.state == StepState::AwaitingApproval)
        .map(|s| s.id)
        .collect();
    if !waiting.is_empty() {
        let actor = Actor::approver("erin@acme.test");
        let detail = serde_json::json!({ "note": "approved automatically by `leaver demo`" });
        store
            .record(
                id,
                vec![Event::Approved { steps: waiting }],
                &actor,
                detail,
                None,
                OffsetDateTime::now_utc(),
            )
            .await?;
    }
    let done = wait(store, id, |s| {
        matches!(
            s,
            CaseState::Completed | CaseState::NeedsAttention | CaseState::Cancelled
        )
    })
    .await?;
    println!("  -> {}", done.state);
    for step in done
        .steps
        .iter()
        .filter(|s| s.note.is_some() || s.error.is_some())
    {
        let text = step
            .error
            .as_deref()
            .or(step.note.as_deref())
            .unwrap_or_default();
        println!(
            "    {:<20} {}",
            step.kind,
            text.lines().next().unwrap_or_default()
        );
    }
    Ok(())
}

async fn wait(
    store: &dyn Store,
    id: CaseId,
    until: impl Fn(CaseState) -> bool,
) -> anyhow::Result<leaver_core::Case> {
    for _ in 0..600 {
        let case = store.case(id).await?;
        if until(case.state) {
            return Ok(case);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("case {id} did not move on within a minute")
}
