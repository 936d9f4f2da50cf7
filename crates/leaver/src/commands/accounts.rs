//! `leaver user add` and `leaver apikey create`.

use super::explain;
use crate::cli::{ApikeyCommand, UserCommand};
use anyhow::Context;
use leaver_app::Settings;
use leaver_app::accounts::{check_api_key_name, check_operator};
use std::io::BufRead;

/// `leaver user add --email E --password-stdin`. Bad input is refused before the database is
/// opened.
pub async fn user(settings: Settings, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add { email, .. } = command;
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    check_operator(&email, password).map_err(explain)?;
    let app = super::app(settings).await?;
    let added = app.add_operator(&email, password).await.map_err(explain)?;
    let email = added.email;
    if added.created {
        println!("operator {email} added: they can log in now");
    } else {
        println!("operator {email} already existed: their password was changed");
    }
    Ok(())
}

/// `leaver apikey create --name N`: the key is the last line of output.
pub async fn apikey(settings: Settings, command: ApikeyCommand) -> anyhow::Result<()> {
    let ApikeyCommand::Create { name } = command;
    check_api_key_name(&name).map_err(explain)?;
    let app = super::app(settings).await?;
    let key = app.create_api_key(&name).await.map_err(explain)?;
    let name = name.trim();
    eprintln!("API key {name:?} created. It is shown once, below: store it in the HR system now.");
    eprintln!("Send it as `Authorization: Bearer <key>`.");
    println!("{key}");
    Ok(())
}
