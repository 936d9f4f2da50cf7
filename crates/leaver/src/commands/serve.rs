//! `leaver serve`: the web app and the workers, until Ctrl-C or SIGTERM.

use crate::runtime;
use leaver_app::Settings;

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let (workers, orgs) = (settings.workers, settings.orgs.join(", "));
    // No mailbox page under `serve`, whatever LEAVER_MAILBOX_DIR says: it would show every
    // approval link to anyone who can reach the server.
    let running = runtime::start(settings, None).await?;
    println!(
        "leaver is serving on {} with {workers} workers for {orgs}",
        running.url
    );
    runtime::shutdown_signal().await;
    tracing::info!("shutting down");
    running.stop().await
}
