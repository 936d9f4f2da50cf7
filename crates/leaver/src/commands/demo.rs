//! `leaver demo`: everything in one process with no set-up. A Hub simulator seeded with a demo
//! world (two orgs, one on Team and one Enterprise with SCIM; a leaver who is the last admin of
//! one of them), Leaver on a fresh SQLite file, a mailbox page instead of SMTP, and two cases to
//! follow. With `--once`, the demo plays the approver itself (through the same links) and exits.

use crate::runtime;
use anyhow::Context;
use leaver_app::mailbox::DemoMailbox;
use leaver_app::model::{Actor, Case, CaseId, CaseState, TicketInput};
use leaver_app::{Leaver, Settings};
use std::path::PathBuf;
use std::time::Duration;

const WORLD: &str = include_str!("../../demo/world.json");
const DEMO_TOKEN: &str = "hf_demo_leaver_bot_admin";
const DEMO_DB: &str = "leaver-demo.db";
const DEMO_MAIL: &str = "leaver-demo-mail";
const MANAGER: &str = "erin@acme.test";

pub async fn run(mut settings: Settings, once: bool) -> anyhow::Result<()> {
    let seed = hubsim::Seed::from_json(WORLD)
        .map_err(|(path, e)| anyhow::anyhow!("the embedded demo world, at {path}: {e}"))?;
    let sim = hubsim::spawn(seed)
        .await
        .context("starting the Hub simulator")?;
    prepare(&mut settings, &sim.url)?;
    let database = settings.database_url.clone();
    let running = runtime::start(settings, Some(DemoMailbox::open(DEMO_MAIL)?)).await?;
    let app = &*running.app;
    let cases = [
        open(app, "HR-1042", "bob", "Bob Baker", Some("carol")).await?,
        open(app, "HR-1043", "frank", "Frank Fox", None).await?,
    ];
    println!("Leaver demo");
    println!("  mailbox (approve here)  {}/mail", running.url);
    println!("  Leaver                  {}", running.url);
    let (operator, password) = demo_operator(app).await?;
    println!(
        "  operator pages          {}/login   ({operator} / {password})",
        running.url
    );
    println!(
        "  Hub simulator           {}/_sim/state   (the demo world, live)",
        sim.url
    );
    println!("  database                {database}");
    println!("Cases: HR-1042 (bob, last admin of acme-ai; successor carol) and HR-1043 (frank).");
    if !once {
        println!("Open the mailbox, open each approval email and press Approve on its page.\n");
    }
    for case in cases {
        follow(app, &running.url, case, once).await?;
    }
    let report = app.verify_audit().await?;
    let verdict = if report.broken.is_none() {
        "intact"
    } else {
        "BROKEN"
    };
    println!("\naudit trail: {} records, {verdict}", report.records);
    if !once {
        println!("\nServing until Ctrl-C.");
        runtime::shutdown_signal().await;
    }
    running.stop().await
}

/// Points the settings at the simulator, a fresh database and the demo mailbox.
fn prepare(settings: &mut Settings, hub_url: &str) -> anyhow::Result<()> {
    if settings.database_url == "sqlite://leaver.db" {
        for suffix in ["", "-wal", "-shm", ".key"] {
            let _ = std::fs::remove_file(format!("{DEMO_DB}{suffix}"));
        }
        settings.database_url = format!("sqlite://{DEMO_DB}");
    }
    let _ = std::fs::remove_dir_all(DEMO_MAIL);
    settings.mailbox_dir = Some(PathBuf::from(DEMO_MAIL));
    settings.hub_url = hub_url.parse()?;
    settings.hub_token = Some(DEMO_TOKEN.to_owned().into());
    settings.orgs = vec!["acme-ai".into(), "northwind".into()];
    settings.service_accounts = vec!["leaver-bot".into()];
    if std::net::TcpListener::bind(settings.bind).is_err() {
        settings.bind = "127.0.0.1:0".parse()?;
    }
    Ok(())
}

async fn open(
    app: &Leaver,
    id: &str,
    user: &str,
    name: &str,
    successor: Option<&str>,
) -> anyhow::Result<CaseId> {
    let ticket = TicketInput {
        external_id: Some(id.into()),
        email: Some(format!("{user}@acme.test")),
        name: Some(name.into()),
        hub_username: Some(user.into()),
        manager_email: Some(MANAGER.into()),
        successor: successor.map(Into::into),
        reason: Some("resignation".into()),
        ..TicketInput::default()
    };
    let opened = app.open_case(&ticket, &Actor::cli()).await;
    Ok(opened.context("a demo ticket")?.case.id)
}

/// The operator `leaver demo` logs in with: a fixed email and a fresh random password, printed
/// with the demo's URLs (the demo database is thrown away on the next run).
async fn demo_operator(app: &Leaver) -> anyhow::Result<(String, String)> {
    let password = leaver_app::accounts::random_token("")[..16].to_owned();
    let added = app.add_operator("demo@acme.test", &password).await?;
    Ok((added.email, password))
}

/// Shows the plan, (with `--once`) approves it through the emailed link, and waits for the end.
async fn follow(app: &Leaver, url: &str, id: CaseId, once: bool) -> anyhow::Result<()> {
    let planned = wait(app, id, Duration::from_secs(60), |s| {
        s != CaseState::Planning
    })
    .await?;
    println!(
        "{} {}: {} steps, {}",
        planned.external_id,
        planned.person.hub_username_text(),
        planned.steps.len(),
        planned.state
    );
    for step in &planned.steps {
        println!(
            "    {:<20} {:<28} {}",
            step.kind, step.target, step.strategy
        );
    }
    if once {
        approve_by_email(url, &planned).await?;
        println!("  approved by {MANAGER} through the link in their email");
    }
    let patience = if once {
        Duration::from_secs(120)
    } else {
        Duration::from_secs(24 * 3600)
    };
    let done = wait(app, id, patience, |s| {
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

/// Plays the manager: finds the case's approval email in the mailbox, opens its link, presses
/// Approve — the same requests a browser makes.
async fn approve_by_email(url: &str, case: &Case) -> anyhow::Result<()> {
    let mailbox = DemoMailbox::open(DEMO_MAIL)?;
    let http = reqwest::Client::new();
    for _ in 0..300 {
        let emails = mailbox.list();
        let email = emails
            .iter()
            .find(|e| e.to.contains(MANAGER) && e.text.contains(case.person.email.as_str()));
        if let Some(link) = email.and_then(|e| approval_link(&e.text)) {
            let page = http.get(&link).send().await?.text().await?;
            let csrf = hidden_field(&page, "csrf").context("the approval page has no form")?;
            let form = [("decision", "approve"), ("csrf", csrf.as_str())];
            let answer = http
                .post(&link)
                .header("origin", url)
                .form(&form)
                .send()
                .await?;
            anyhow::ensure!(
                answer.status().is_success(),
                "approving answered {}",
                answer.status()
            );
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!(
        "no approval email for {} arrived within 30 s",
        case.external_id
    )
}

/// The first approval link in an email's text, without its `?decision=...`.
fn approval_link(text: &str) -> Option<String> {
    let start = text.find("http")?;
    text[start..]
        .split_whitespace()
        .map(|word| word.trim_end_matches(['>', ')', '.']))
        .find(|word| word.contains("/approvals/"))
        .map(|word| word.split('?').next().unwrap_or(word).to_owned())
}

fn hidden_field(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))? + name.len() + 15;
    html[at..].split('"').next().map(str::to_owned)
}

async fn wait(
    app: &Leaver,
    id: CaseId,
    patience: Duration,
    until: impl Fn(CaseState) -> bool,
) -> anyhow::Result<Case> {
    let deadline = tokio::time::Instant::now() + patience;
    while tokio::time::Instant::now() < deadline {
        let case = app.case(id).await?;
        if until(case.state) {
            return Ok(case);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("case {id} did not move on in time")
}
