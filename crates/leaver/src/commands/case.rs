//! `leaver case open|list|show|cancel`.

use crate::cli::{CaseCommand, OpenArgs};
use crate::config::Settings;
use crate::output;
use anyhow::Context;
use leaver_core::{CaseId, CaseState, Event, Ticket, TicketInput};
use leaver_store::{Actor, CaseFilter, Store};
use time::OffsetDateTime;

pub async fn run(settings: &Settings, command: CaseCommand) -> anyhow::Result<()> {
    match command {
        CaseCommand::Open(args) => open(settings, args).await,
        CaseCommand::List { state, json } => {
            let state = state
                .map(|s| s.parse::<CaseState>())
                .transpose()
                .map_err(|e| anyhow::anyhow!("--state: {e}"))?;
            let filter = CaseFilter {
                state,
                limit: Some(10_000),
                ..CaseFilter::default()
            };
            let cases = super::store(settings).await?.list_cases(&filter).await?;
            if json {
                output::json(&cases)
            } else {
                output::case_table(&cases)
            }
        }
        CaseCommand::Show { id, json } => {
            let case = super::store(settings).await?.case(parse_id(&id)?).await?;
            if json {
                output::json(&case)
            } else {
                output::case_detail(&case)
            }
        }
        CaseCommand::Cancel { id, reason } => {
            let id = parse_id(&id)?;
            let store = super::store(settings).await?;
            let event = Event::Cancelled { reason };
            let now = OffsetDateTime::now_utc();
            let t = store
                .record(
                    id,
                    vec![event],
                    &Actor::cli(),
                    serde_json::json!({}),
                    None,
                    now,
                )
                .await?;
            println!("case {} is {}", t.case.id, t.case.state);
            Ok(())
        }
    }
}

/// Validates the ticket before touching the database, so bad input writes nothing.
async fn open(settings: &Settings, args: OpenArgs) -> anyhow::Result<()> {
    let input = TicketInput {
        external_id: args.external_id,
        email: args.email,
        name: args.name,
        hub_username: args.hub_user,
        manager_email: args.manager,
        successor: args.successor,
        effective_at: args.effective_at,
        reason: args.reason,
    };
    let ticket = Ticket::parse(&input).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("  --{} ({}): {}", flag(e.field), e.field, e.message))
            .collect();
        anyhow::anyhow!(
            "the ticket is not valid, nothing was written:\n{}",
            lines.join("\n")
        )
    })?;
    let store = super::store(settings).await?;
    let opened = store
        .open_case(
            &ticket,
            CaseId::random(),
            &Actor::cli(),
            OffsetDateTime::now_utc(),
        )
        .await?;
    if !opened.created {
        eprintln!(
            "a case for ticket {} already exists; nothing new was opened",
            ticket.external_id
        );
    }
    println!("{}", opened.case.id);
    Ok(())
}

/// The command-line flag for a ticket field.
fn flag(field: &str) -> String {
    match field {
        "hub_username" => "hub-user".into(),
        "manager_email" => "manager".into(),
        other => other.replace('_', "-"),
    }
}

fn parse_id(id: &str) -> anyhow::Result<CaseId> {
    id.parse()
        .with_context(|| format!("{id:?} is not a case id (a UUID like 0b3c...)"))
}
