//! A running Leaver for `serve` and `demo`: binds the address, builds the application on it
//! (`leaver_app::Leaver::build`), starts the workers and the web server, and stops them together.

use anyhow::Context;
use leaver_app::mailbox::DemoMailbox;
use leaver_app::{Leaver, Settings, Workers};
use leaver_web::AppState;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// A running server: the web app and the workers, stopped together.
pub struct Running {
    pub url: String,
    pub app: Arc<Leaver>,
    stop: watch::Sender<bool>,
    web: tokio::task::JoinHandle<std::io::Result<()>>,
    workers: Workers,
}

/// Binds `settings.bind`, builds Leaver with links leading there (unless `LEAVER_PUBLIC_URL`
/// says otherwise), starts the workers and the web app. `/mail` shows `mailbox_page` when
/// given: only the demo gives one, since anyone who reaches that page reads every approval link.
pub async fn start(
    settings: Settings,
    mailbox_page: Option<DemoMailbox>,
) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(settings.bind)
        .await
        .with_context(|| format!("binding {} (LEAVER_BIND)", settings.bind))?;
    let url = format!("http://{}", listener.local_addr()?);
    let app = Leaver::builder(settings)
        .serving_at(url.parse().context("the bound address as a URL")?)
        .build()
        .await?;
    let app = Arc::new(app);
    let (stop, stopped) = watch::channel(false);
    let workers = app.start_workers(stopped.clone())?;
    let mut state = AppState::new(app.clone());
    if let Some(mailbox) = mailbox_page {
        state = state.with_mailbox(mailbox);
    }
    let mut web_stopped = stopped;
    let shutdown = async move {
        let _ = web_stopped.wait_for(|stop| *stop).await;
    };
    let web = tokio::spawn(leaver_web::serve(listener, state, shutdown));
    Ok(Running {
        url,
        app,
        stop,
        web,
        workers,
    })
}

impl Running {
    /// Stops taking work, lets running jobs finish, and stops the web app.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.workers.stopped().await.context("workers")?;
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
