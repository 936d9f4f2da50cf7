//! `leaver user add|list|remove` and `leaver apikey create|list|revoke`, each change audited as
//! done by `cli`.

use super::explain;
use crate::cli::{ApikeyCommand, UserCommand};
use anyhow::Context;
use leaver_app::Settings;
use leaver_app::accounts::KeyScope;
use leaver_app::accounts::{check_api_key_name, check_operator};
use leaver_app::model::Actor;
use serde::Serialize;
use std::io::BufRead;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One operator or key as `list` prints it.
#[derive(Serialize)]
struct Row {
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    last_used_at: Option<OffsetDateTime>,
}

fn print_rows(rows: &[Row], who: &str, json: bool) -> anyhow::Result<()> {
    if json {
        return crate::output::json(&rows);
    }
    if rows.is_empty() {
        eprintln!("no {who} yet");
        return Ok(());
    }
    let when = |t: Option<OffsetDateTime>| -> anyhow::Result<String> {
        Ok(match t {
            Some(t) => t.format(&Rfc3339)?,
            None => "never".into(),
        })
    };
    println!("{:<40}  {:<25}  LAST USED", who.to_uppercase(), "CREATED");
    for row in rows {
        let id = row.email.as_deref().or(row.name.as_deref()).unwrap_or("-");
        let created = when(Some(row.created_at))?;
        println!("{id:<40}  {created:<25}  {}", when(row.last_used_at)?);
    }
    Ok(())
}

/// `leaver user add --email E --password-stdin`, `user list`, `user remove --email E`. Bad
/// input is refused before the database is opened.
pub async fn user(settings: Settings, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { email, .. } => add_user(settings, &email).await,
        UserCommand::List { json } => {
            let app = super::app(settings).await?;
            let rows: Vec<Row> = app
                .operators()
                .await
                .map_err(explain)?
                .into_iter()
                .map(|o| Row {
                    email: Some(o.email),
                    name: None,
                    created_at: o.created_at,
                    last_used_at: o.last_login_at,
                })
                .collect();
            print_rows(&rows, "operator", json)
        }
        UserCommand::Remove { email } => {
            let app = super::app(settings).await?;
            app.remove_operator(&email, &Actor::cli())
                .await
                .map_err(explain)?;
            println!(
                "operator {} removed: they can no longer log in and their sessions have ended",
                email.trim().to_lowercase()
            );
            Ok(())
        }
    }
}

async fn add_user(settings: Settings, email: &str) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    check_operator(email, password).map_err(explain)?;
    let app = super::app(settings).await?;
    let added = app
        .add_operator_as(email, password, &Actor::cli())
        .await
        .map_err(explain)?;
    let email = added.email;
    if added.created {
        println!("operator {email} added: they can log in now");
    } else {
        println!("operator {email} already existed: their password was changed");
    }
    Ok(())
}

/// `leaver apikey create --name N` (the key is the last line of output), `apikey list`,
/// `apikey revoke --name N`.
pub async fn apikey(settings: Settings, command: ApikeyCommand) -> anyhow::Result<()> {
    match command {
        ApikeyCommand::Create { name, scope } => {
            check_api_key_name(&name).map_err(explain)?;
            let scope = KeyScope::parse(&scope).unwrap_or_default();
            let app = super::app(settings).await?;
            let key = app
                .create_scoped_api_key_as(&name, scope, &Actor::cli())
                .await
                .map_err(explain)?;
            let name = name.trim();
            eprintln!(
                "API key {name:?} created. It is shown once, below: store it in the HR system now."
            );
            if scope == KeyScope::Scim {
                eprintln!(
                    "It opens /scim/v2 only: give it to the identity provider as its bearer token."
                );
            }
            eprintln!("Send it as `Authorization: Bearer <key>`.");
            println!("{key}");
            Ok(())
        }
        ApikeyCommand::List { json } => {
            let app = super::app(settings).await?;
            let rows: Vec<Row> = app
                .api_keys()
                .await
                .map_err(explain)?
                .into_iter()
                .map(|k| Row {
                    email: None,
                    name: Some(k.name),
                    created_at: k.created_at,
                    last_used_at: k.last_used_at,
                })
                .collect();
            print_rows(&rows, "API key", json)
        }
        ApikeyCommand::Revoke { name } => {
            let app = super::app(settings).await?;
            app.revoke_api_key(&name, &Actor::cli())
                .await
                .map_err(explain)?;
            println!(
                "API key {:?} revoked: requests with it are refused from now on",
                name.trim()
            );
            Ok(())
        }
    }
}
