//! `leaver migrate`.

use crate::config::Settings;

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    super::store(settings).await?;
    println!("database is up to date");
    Ok(())
}
