//! How the CLI prints cases: a table, a detail view, or the REST API's JSON.

use leaver_app::model::Case;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;

/// Pretty JSON on stdout.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// One line per case.
pub fn case_table(cases: &[Case]) -> anyhow::Result<()> {
    println!(
        "{:<36}  {:<16}  {:<17}  {:<20}  CREATED",
        "ID", "TICKET", "STATE", "HUB USER"
    );
    for case in cases {
        println!(
            "{:<36}  {:<16}  {:<17}  {:<20}  {}",
            case.id,
            case.external_id,
            case.state,
            case.person.hub_username_text(),
            case.created_at.format(&Rfc3339)?
        );
    }
    Ok(())
}

/// Whether the case has a tokens step that will run and waits for somebody to check Tokens
/// Management (as `leaver_core::tokens_ack::awaits_ack` says).
fn awaits_tokens_ack(case: &Case) -> bool {
    use leaver_app::model::{CaseState, StepState};
    case.tokens_ack.is_none()
        && case.state != CaseState::Cancelled
        && case.steps.iter().any(|s| {
            s.kind.as_str() == "flag_tokens"
                && !matches!(s.state, StepState::Skipped | StepState::Rejected)
        })
}

/// A case and its steps, for a human.
pub fn case_detail(case: &Case) -> anyhow::Result<()> {
    println!("case      {}", case.id);
    println!("ticket    {}", case.external_id);
    println!("state     {}", case.state);
    println!(
        "person    {} <{}> (hub: {})",
        case.person.name.as_deref().unwrap_or("-"),
        case.person.email,
        case.person.hub_username_text()
    );
    println!("manager   {}", case.manager_email);
    if let Some(successor) = &case.successor {
        println!("successor {successor}");
    }
    if let Some(at) = case.effective_at {
        // In LEAVER_TIMEZONE, with its offset, as the pages show it.
        let now = if case.run_now { " (run now)" } else { "" };
        println!("effective {}{now}", leaver_app::text::when(at));
    }
    if let Some(reason) = &case.blocked_reason {
        println!("blocked   {reason}");
    }
    match &case.tokens_ack {
        Some(ack) => println!(
            "tokens    Tokens Management checked by {} at {}",
            ack.by,
            ack.at.format(&Rfc3339)?
        ),
        None if awaits_tokens_ack(case) => println!(
            "tokens    Tokens Management not checked yet (leaver case tokens-ack {} once done)",
            case.id
        ),
        None => {}
    }
    if case.steps.is_empty() {
        println!("steps     (not planned yet)");
    }
    for (n, step) in case.steps.iter().enumerate() {
        println!(
            "{:>2}. {:<20} {:<32} {:<7} {:<16} attempts {}",
            n + 1,
            step.kind,
            step.target,
            step.strategy,
            step.state,
            step.attempts
        );
        println!("    id: {}", step.id);
        if let Some(error) = &step.error {
            println!("    error: {error}");
        }
        if let Some(note) = &step.note {
            let label = match step.state {
                leaver_app::model::StepState::Rejected => "rejected because",
                _ => "note",
            };
            println!("    {label}: {note}");
        }
    }
    Ok(())
}
