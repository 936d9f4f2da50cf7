//! [`Leaver`]: one value every door holds. Its methods are the use cases (one module each,
//! `cases`, `import`, `evidence`, ...); this file holds what they share.

use crate::approvals::ApprovalLinks;
use crate::settings::Settings;
use crate::settings_view::{SettingsHandle, SettingsView};
use crate::{Clock, Error};
use leaver_engine::Engine;
use leaver_hub::HubClient;
use leaver_store::{SqlStore, TokenSealer};
use std::sync::Arc;
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Leaver, wired: see [`Leaver::build`].
#[derive(Debug)]
pub struct Leaver {
    pub(crate) settings: Settings,
    pub(crate) store: Arc<SqlStore>,
    pub(crate) clock: Arc<dyn Clock>,
    /// What only a running Leaver has (`None` when built for the database only).
    pub(crate) running: Option<Running>,
    /// Looks leavers up on the Hub when a case opens (`None` without a Hub token).
    pub(crate) lookup: Option<HubClient>,
}

/// The parts of a running Leaver.
#[derive(Debug)]
pub(crate) struct Running {
    pub hub: HubClient,
    pub engine: Arc<Engine>,
    pub links: ApprovalLinks,
    pub sealer: Arc<TokenSealer>,
    pub settings_view: SettingsHandle,
}

/// The workers started by [`Leaver::start_workers`].
#[derive(Debug)]
pub struct Workers {
    engine: JoinHandle<()>,
    settings_view: JoinHandle<()>,
    roster_refresh: JoinHandle<()>,
}

impl Workers {
    /// Waits until all have stopped (after `stop` turned true).
    pub async fn stopped(self) -> anyhow::Result<()> {
        self.engine.await?;
        self.settings_view.await?;
        self.roster_refresh.await?;
        Ok(())
    }
}

impl Leaver {
    /// The settings it was built from.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The time, as every use case reads it.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// The store, for tools and tests that read around the use cases.
    pub fn store(&self) -> &Arc<SqlStore> {
        &self.store
    }

    /// The engine (`None` when built for the database only); tests drive it by hand.
    pub fn engine(&self) -> Option<&Arc<Engine>> {
        self.running.as_ref().map(|r| &r.engine)
    }

    /// The Hub client's counters: (calls made, 429 answers), zero without a Hub client.
    pub fn hub_counters(&self) -> (u64, u64) {
        self.running.as_ref().map_or((0, 0), |r| {
            (r.hub.calls_made(), r.hub.rate_limited_responses())
        })
    }

    /// Whether the shared circuit to the Hub holds calls back now (see `leaver_hub::circuit`).
    pub fn hub_circuit_open(&self) -> bool {
        self.running
            .as_ref()
            .is_some_and(|r| !matches!(r.hub.circuit(), leaver_hub::CircuitState::Closed))
    }

    /// What `/settings` shows: the orgs as the engine last read them.
    pub fn settings_view(&self) -> SettingsView {
        self.running
            .as_ref()
            .map(|r| r.settings_view.get())
            .unwrap_or_default()
    }

    /// Starts `settings.workers` workers, the `/settings` refresher and the roster's refresh,
    /// until `stop` turns true.
    pub fn start_workers(&self, stop: watch::Receiver<bool>) -> anyhow::Result<Workers> {
        anyhow::ensure!(
            !self.settings.orgs.is_empty(),
            "LEAVER_ORGS is empty: name the orgs Leaver manages (comma-separated)"
        );
        let running = self.running()?;
        let settings_view = tokio::spawn(crate::settings_view::follow(
            running.engine.clone(),
            self.clock.clone(),
            running.settings_view.clone(),
            stop.clone(),
        ));
        let roster_refresh = tokio::spawn(crate::roster::refresh::follow(
            running.engine.clone(),
            self.store.clone(),
            self.clock.clone(),
            stop.clone(),
        ));
        let engine = tokio::spawn(running.engine.clone().run(self.settings.workers, stop));
        Ok(Workers {
            engine,
            settings_view,
            roster_refresh,
        })
    }

    /// The running parts, or why this Leaver has none.
    pub(crate) fn running(&self) -> Result<&Running, Error> {
        self.running.as_ref().ok_or_else(|| {
            Error::Unavailable("this command runs without the Hub, mail or secret key".into())
        })
    }
}
