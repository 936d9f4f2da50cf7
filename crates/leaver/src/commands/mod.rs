//! One module per command family; each takes the parsed arguments and the settings.

pub mod accounts;
pub mod audit;
pub mod case;
pub mod check;
pub mod demo;
pub mod import;
pub mod migrate;
pub mod plan;
pub mod serve;

use crate::config::Settings;
use leaver_store::{SqlStore, Store};

/// Opens the configured store and brings its schema up to date.
pub async fn store(settings: &Settings) -> anyhow::Result<SqlStore> {
    let store = leaver_store::connect(&settings.database_url).await?;
    store.migrate().await?;
    Ok(store)
}
