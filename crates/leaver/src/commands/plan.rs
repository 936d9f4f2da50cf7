//! `leaver plan`: the dry run. Reads the Hub, plans, prints; changes nothing.

use crate::config::Settings;
use crate::runtime;
use anyhow::Context;
use leaver_core::HubUsername;
use leaver_core::StepId;
use leaver_core::plan::{PlanContext, plan};
use leaver_engine::OrgIndex;
use time::OffsetDateTime;

pub async fn run(
    settings: &Settings,
    hub_user: &str,
    successor: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let leaver = HubUsername::parse(hub_user).map_err(|e| anyhow::anyhow!("--hub-user: {e}"))?;
    let successor = successor
        .map(HubUsername::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--successor: {e}"))?;
    anyhow::ensure!(
        !settings.orgs.is_empty(),
        "LEAVER_ORGS is empty: name the orgs Leaver manages (comma-separated)"
    );
    let hub = runtime::hub(settings)?;
    let config = runtime::engine_config(settings);
    let index = OrgIndex::new(hub.clone(), settings.orgs.clone(), config.index_ttl);
    let snapshot = index
        .snapshot(OffsetDateTime::now_utc())
        .await
        .context("reading the orgs from the Hub")?;
    let ctx = PlanContext {
        leaver: &leaver,
        successor: successor.as_ref(),
        service_accounts: &config.service_accounts,
        revoke_to: config.revoke_to,
    };
    let plan = plan(&ctx, &snapshot.orgs, StepId::random);
    if json {
        println!("{}", serde_json::to_string_pretty(&plan)?);
        return Ok(());
    }
    println!(
        "Plan to offboard {leaver} from {} (dry run: nothing was changed)",
        settings.orgs.join(", ")
    );
    for (n, step) in plan.steps.iter().enumerate() {
        let s = &step.step;
        println!(
            "\n{:>2}. {} on {} ({})",
            n + 1,
            s.kind,
            s.target,
            s.strategy
        );
        println!("    why: {}", step.why);
        for call in &step.calls {
            println!("    hub: {call}");
        }
    }
    if !plan.blockers.is_empty() {
        println!("\nThe plan cannot run as it is:");
        for blocker in &plan.blockers {
            println!("  - {blocker}");
        }
    }
    println!("\nHub calls made to plan this: {}", hub.calls_made());
    Ok(())
}
