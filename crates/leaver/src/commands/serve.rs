//! `leaver serve`: the web app and the workers, until Ctrl-C or SIGTERM.

use crate::config::Settings;
use crate::runtime;
use std::sync::Arc;

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let store = Arc::new(super::store(settings).await?);
    let hub = runtime::hub(settings)?;
    // No mailbox page under `serve`, whatever LEAVER_MAILBOX_DIR says: it would show every
    // approval link to anyone who can reach the server.
    let running = runtime::start(settings, store, hub, None).await?;
    println!(
        "leaver is serving on {} with {} workers for {}",
        running.url,
        settings.workers,
        settings.orgs.join(", ")
    );
    runtime::shutdown_signal().await;
    tracing::info!("shutting down");
    running.stop().await
}
