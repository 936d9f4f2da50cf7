//! `leaver plan`: the dry run. Reads the Hub, plans, prints; changes nothing.

use super::explain;
use leaver_app::Settings;
use leaver_app::dry_run::dry_run;

pub async fn run(
    settings: &Settings,
    hub_user: &str,
    successor: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let done = dry_run(settings, hub_user, successor)
        .await
        .map_err(explain)?;
    let plan = done.plan;
    if json {
        println!("{}", serde_json::to_string_pretty(&plan)?);
        return Ok(());
    }
    println!(
        "Plan to offboard {hub_user} from {} (dry run: nothing was changed)",
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
    println!("\nHub calls made to plan this: {}", done.hub_calls);
    Ok(())
}
