//! `leaver user add` and `leaver apikey create`.

use crate::cli::{ApikeyCommand, UserCommand};
use crate::config::Settings;
use anyhow::Context;
use leaver_store::AccountStore;
use leaver_web::auth::{MIN_PASSWORD_LEN, hash_password, new_api_key};
use std::io::BufRead;
use time::OffsetDateTime;

/// `leaver user add --email E --password-stdin`.
pub async fn user(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add { email, .. } = command;
    let email = leaver_core::EmailAddress::parse(email.trim())
        .map_err(|e| anyhow::anyhow!("--email: {e}"))?
        .to_string();
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    anyhow::ensure!(
        password.chars().count() >= MIN_PASSWORD_LEN,
        "the password must have at least {MIN_PASSWORD_LEN} characters; nothing was written"
    );
    let hash = hash_password(password)?;
    let store = super::store(settings).await?;
    let created = store
        .upsert_operator(&email, &hash, OffsetDateTime::now_utc())
        .await?;
    if created {
        println!("operator {email} added: they can log in now");
    } else {
        println!("operator {email} already existed: their password was changed");
    }
    Ok(())
}

/// `leaver apikey create --name N`: the key is the last line of output.
pub async fn apikey(settings: &Settings, command: ApikeyCommand) -> anyhow::Result<()> {
    let ApikeyCommand::Create { name } = command;
    let name = name.trim().to_owned();
    anyhow::ensure!(
        !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
        "--name must be 1 to 64 letters, digits, '-', '_' or '.'"
    );
    let (key, hash) = new_api_key();
    let store = super::store(settings).await?;
    store
        .create_api_key(&name, &hash, OffsetDateTime::now_utc())
        .await?
        .with_context(|| {
            format!("an API key named {name:?} already exists; choose another name")
        })?;
    eprintln!("API key {name:?} created. It is shown once, below: store it in the HR system now.");
    eprintln!("Send it as `Authorization: Bearer <key>`.");
    println!("{key}");
    Ok(())
}
