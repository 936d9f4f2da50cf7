//! `leaver migrate`.

use leaver_app::Settings;

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    super::app(settings).await?;
    println!("database is up to date");
    Ok(())
}
