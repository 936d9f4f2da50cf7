//! `leaver case open|list|show|update|replan|skip|reask|confirm-empty|cancel`.

use super::{explain, flag};
use crate::cli::{CaseCommand, OpenArgs, UpdateArgs};
use crate::output;
use anyhow::Context;
use leaver_app::Leaver;
use leaver_app::Settings;
use leaver_app::dates::check_dated_ticket;
use leaver_app::model::{
    Actor, CaseFilter, CaseId, CaseState, Patch, StepId, TicketInput, TicketPatch,
};

pub async fn run(settings: Settings, mut command: CaseCommand) -> anyhow::Result<()> {
    super::case_ref::resolve(&settings, &mut command).await?;
    match command {
        CaseCommand::Open(args) => open(settings, args).await,
        CaseCommand::List {
            state,
            search,
            json,
        } => {
            let state = state
                .map(|s| s.parse::<CaseState>())
                .transpose()
                .map_err(|e| anyhow::anyhow!("--state: {e}"))?;
            let filter = CaseFilter {
                state,
                search,
                limit: Some(10_000),
                ..CaseFilter::default()
            };
            let cases = super::app(settings).await?.list_cases(&filter).await?;
            if json {
                output::json(&cases)
            } else {
                output::case_table(&cases)
            }
        }
        CaseCommand::Show { id, json } => {
            let case = super::app(settings).await?.case(parse_id(&id)?).await?;
            if json {
                output::json(&case)
            } else {
                output::case_detail(&case)
            }
        }
        CaseCommand::Update(args) => update(settings, args).await,
        CaseCommand::Replan { id } => {
            let id = parse_id(&id)?;
            let app = Leaver::build(settings).await?;
            let replanned = app.replan(id, &Actor::cli()).await.map_err(explain)?;
            println!(
                "case {} re-planned from a fresh read: {} step(s) added, {} skipped; it is {}",
                id, replanned.added, replanned.skipped, replanned.case.state
            );
            Ok(())
        }
        CaseCommand::Skip { id, step, reason } => {
            let id = parse_id(&id)?;
            let step: StepId = step
                .parse()
                .with_context(|| format!("--step: {step:?} is not a step id (a UUID)"))?;
            let app = super::app(settings).await?;
            let case = app
                .skip_step(id, step, Some(&reason), &Actor::cli())
                .await
                .map_err(explain)?;
            println!("step {step} skipped; case {} is {}", case.id, case.state);
            Ok(())
        }
        CaseCommand::Reask { id } => {
            let id = parse_id(&id)?;
            let case = super::app(settings)
                .await?
                .reask(id, &Actor::cli())
                .await
                .map_err(explain)?;
            println!(
                "case {} asks its approvers again; it is {}",
                case.id, case.state
            );
            Ok(())
        }
        CaseCommand::ConfirmEmpty { id } => {
            let id = parse_id(&id)?;
            let case = super::app(settings)
                .await?
                .confirm_nothing_held(id, &Actor::cli())
                .await
                .map_err(explain)?;
            println!(
                "case {}: nothing held, confirmed; it is {}",
                case.id, case.state
            );
            Ok(())
        }
        CaseCommand::Tokens { id, stray, .. } => {
            super::case_tokens::hand_over(settings, &id, stray.len()).await
        }
        CaseCommand::TokensAck { id } => super::case_tokens::acknowledge(settings, &id).await,
        CaseCommand::Cancel { id, reason } => {
            let id = parse_id(&id)?;
            let app = super::app(settings).await?;
            let case = app
                .cancel(id, Some(&reason), &Actor::cli())
                .await
                .map_err(explain)?;
            println!("case {} is {}", case.id, case.state);
            Ok(())
        }
    }
}

/// Opens the case. A bad ticket names every bad flag and writes nothing: it is checked before
/// the database is opened (or created).
async fn open(settings: Settings, args: OpenArgs) -> anyhow::Result<()> {
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
    let now = time::OffsetDateTime::now_utc();
    check_dated_ticket(&input, &settings.zone(), now, args.now).map_err(bad_ticket)?;
    let app = super::app(settings).await?;
    let opened = app
        .open_case_run_now(&input, args.now, &Actor::cli())
        .await
        .map_err(bad_ticket)?;
    if !opened.created {
        eprintln!(
            "a case for ticket {} already exists; nothing new was opened",
            opened.case.external_id
        );
    }
    if args.json {
        return output::json(&opened.case);
    }
    println!("{}", opened.case.id);
    Ok(())
}

/// Changes the ticket.
async fn update(settings: Settings, args: UpdateArgs) -> anyhow::Result<()> {
    let id = parse_id(&args.id)?;
    let patch = TicketPatch {
        effective_at: Patch::from_option(args.effective_at),
        manager_email: Patch::from_option(args.manager),
        successor: Patch::from_option(args.successor),
        reason: Patch::from_option(args.reason),
        name: Patch::from_option(args.name),
        hub_username: Patch::from_option(args.hub_username),
    };
    anyhow::ensure!(
        !patch.is_empty(),
        "nothing to change: give at least one of --effective-at, --manager, --successor, --reason, --name, --hub-username"
    );
    // The database is enough unless a new manager must be handed open links: those are
    // minted under the secret key for the public URL, as `serve` does.
    let updated = super::app(settings.clone())
        .await?
        .update_case(id, &patch, &Actor::cli())
        .await;
    let case = match updated {
        Err(leaver_app::Error::Unavailable(_)) if matches!(patch.manager_email, Patch::Set(_)) => {
            Leaver::build(settings)
                .await?
                .update_case(id, &patch, &Actor::cli())
                .await
        }
        other => other,
    }
    .map_err(explain)?;
    println!("case {} updated; it is {}", case.id, case.state);
    Ok(())
}

/// Every bad field of a ticket by its flag and field name.
fn bad_ticket(error: leaver_app::Error) -> anyhow::Error {
    let leaver_app::Error::Invalid(errors) = error else {
        return error.into();
    };
    let lines: Vec<String> = errors
        .iter()
        .map(|e| format!("  --{} ({}): {}", flag(e.field), e.field, e.message))
        .collect();
    anyhow::anyhow!(
        "the ticket is not valid, nothing was written:\n{}",
        lines.join("\n")
    )
}

fn parse_id(id: &str) -> anyhow::Result<CaseId> {
    id.parse()
        .with_context(|| format!("{id:?} is not a case id (a UUID like 0b3c...)"))
}
