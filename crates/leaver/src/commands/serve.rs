//! `leaver serve`: the web app and the workers, until Ctrl-C or SIGTERM. It refuses to start,
//! naming every reason, on settings it cannot run with, a Hub token the Hub refuses, or an org in
//! `LEAVER_ORGS` that does not exist or that the token does not administer
//! (`leaver_app::preflight::startup`, the checks `leaver check` also runs).

use crate::runtime;
use leaver_app::Settings;
use leaver_app::preflight::startup;

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let checked = startup(&settings).await;
    for warning in &checked.warnings {
        tracing::warn!("{warning}; starting anyway");
    }
    if !checked.refusals.is_empty() {
        anyhow::bail!(
            "not starting:\n  {}\n(`leaver check` runs the same checks)",
            checked.refusals.join("\n  ")
        );
    }
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
