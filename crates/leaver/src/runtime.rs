//! Wiring shared by `serve`, `demo`, `plan` and `check`: the Hub client, the engine, the server.

use crate::config::Settings;
use anyhow::Context;
use leaver_engine::{Engine, EngineConfig, SystemClock};
use leaver_hub::{HubClient, HubConfig};
use leaver_store::SqlStore;
use leaver_web::{ConnectionLimits, MailboxReader};
use secrecy::SecretString;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The Hub client, from `LEAVER_HUB_URL` and `LEAVER_HUB_TOKEN`.
pub fn hub(settings: &Settings) -> anyhow::Result<HubClient> {
    let token: SecretString = settings
        .hub_token
        .clone()
        .context("LEAVER_HUB_TOKEN is not set: Leaver needs an org admin's Hub token to read and change the orgs")?;
    Ok(HubClient::new(HubConfig::new(
        settings.hub_url.clone(),
        token,
    ))?)
}

/// The engine's settings, from Leaver's.
pub fn engine_config(settings: &Settings) -> EngineConfig {
    EngineConfig {
        orgs: settings.orgs.clone(),
        service_accounts: settings.service_accounts.clone(),
        lease: Duration::from_secs(settings.lease_secs),
        batch: settings.batch,
        ..EngineConfig::default()
    }
}

/// A running server: the web app and the workers, stopped together.
pub struct Running {
    pub url: String,
    stop: watch::Sender<bool>,
    web: tokio::task::JoinHandle<std::io::Result<()>>,
    workers: tokio::task::JoinHandle<()>,
    settings_view: tokio::task::JoinHandle<()>,
}

/// The web server's limits, from `LEAVER_HEADER_TIMEOUT_SECS`, `LEAVER_IDLE_TIMEOUT_SECS` and
/// `LEAVER_MAX_CONNECTIONS`.
fn connection_limits(settings: &Settings) -> ConnectionLimits {
    ConnectionLimits {
        header_timeout: Duration::from_secs(settings.header_timeout_secs),
        idle_timeout: Duration::from_secs(settings.idle_timeout_secs),
        max_connections: settings.max_connections,
    }
}

/// Binds `settings.bind`, starts the web app and `settings.workers` workers. `/mail` shows
/// `mailbox_page` when given: only the demo gives one, since anyone who reaches that page reads
/// every approval link.
pub async fn start(
    settings: &Settings,
    store: Arc<SqlStore>,
    hub: HubClient,
    mailbox_page: Option<Arc<dyn MailboxReader>>,
) -> anyhow::Result<Running> {
    anyhow::ensure!(
        !settings.orgs.is_empty(),
        "LEAVER_ORGS is empty: name the orgs Leaver manages (comma-separated)"
    );
    let listener = TcpListener::bind(settings.bind)
        .await
        .with_context(|| format!("binding {} (LEAVER_BIND)", settings.bind))?;
    let url = format!("http://{}", listener.local_addr()?);
    // Links in emails lead to LEAVER_PUBLIC_URL, else to the address actually bound (port 0
    // picks one).
    let public_url = match &settings.public_url {
        Some(public) => public.clone(),
        None => url.parse().context("the bound address as a URL")?,
    };
    let (app_state, settings_view) = crate::web_state::app_state(settings, store.clone(), &hub);
    let approvals = crate::approvals_setup::approval_setup(settings, &public_url)?;
    let mut app_state = app_state
        .with_approval_links(approvals.links)
        .with_token_sealer(approvals.token_sealer.clone());
    if let Some(mailbox) = mailbox_page {
        app_state = app_state.with_mailbox(mailbox);
    }
    let engine = Engine::with_approvals(
        store.clone(),
        hub,
        Arc::new(SystemClock),
        EngineConfig {
            token_sealer: Some(approvals.token_sealer),
            ..engine_config(settings)
        },
        Some(approvals.mail),
    );
    let (stop, stopped) = watch::channel(false);
    let settings_view = tokio::spawn(crate::web_state::watch_settings(
        engine.clone(),
        settings_view,
        stopped.clone(),
    ));
    let workers = tokio::spawn(engine.run(settings.workers, stopped.clone()));
    let mut web_stopped = stopped;
    let shutdown = async move {
        let _ = web_stopped.wait_for(|stop| *stop).await;
    };
    let limits = connection_limits(settings);
    let web = tokio::spawn(leaver_web::serve_with(
        listener, app_state, limits, shutdown,
    ));
    Ok(Running {
        url,
        stop,
        web,
        workers,
        settings_view,
    })
}

impl Running {
    /// Stops taking work, lets running jobs finish, and stops the web app.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.workers.await.context("workers")?;
        self.settings_view.await.context("settings view")?;
        self.web.await.context("web server")??;
        Ok(())
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
