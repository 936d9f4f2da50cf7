//! `leaver plan`: the dry run. Reads the Hub, plans, prints; changes nothing. Exits non-zero
//! when the plan cannot run as it is (each reason printed once).

use super::explain;
use leaver_app::Settings;
use leaver_app::dry_run::dry_run;
use std::process::ExitCode;

pub async fn run(
    settings: &Settings,
    hub_user: &str,
    successor: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let done = dry_run(settings, hub_user, successor)
        .await
        .map_err(explain)?;
    let plan = done.plan;
    let mut blockers: Vec<String> = Vec::new();
    for blocker in plan.blockers.iter().map(ToString::to_string) {
        if !blockers.contains(&blocker) {
            blockers.push(blocker);
        }
    }
    let code = if blockers.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&plan)?);
        return Ok(code);
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
    if !blockers.is_empty() {
        println!("\nThe plan cannot run as it is:");
        for blocker in &blockers {
            println!("  - {blocker}");
        }
    }
    println!("\nHub calls made to plan this: {}", done.hub_calls);
    Ok(code)
}
