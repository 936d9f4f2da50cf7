//! `Leaver::build(settings)`: the one wiring. The store (migrated), the Hub client, the engine
//! with approval mail, approval links, the token sealer and one clock, from [`Settings`]. The
//! binary, the benchmarks and the test kit all start here; tests change only the clock and
//! how quickly failures are retried ([`Tuning`]).

pub(crate) mod approvals;

use crate::settings::Settings;
use crate::settings_view::SettingsHandle;
use crate::{Clock, Leaver, SystemClock};
use anyhow::Context;
use leaver_engine::{Engine, EngineConfig};
use leaver_hub::{HubClient, HubConfig};
use leaver_store::{SqlStore, Store};
use secrecy::SecretString;
use std::sync::Arc;
use std::time::Duration;

/// How patient Leaver is with failures: production waits seconds between tries, tests wait
/// milliseconds.
#[derive(Clone, Copy, Debug)]
pub struct Tuning {
    /// Attempts per Hub request, the first included.
    pub hub_attempts: u32,
    /// The Hub client's backoff: first step and cap.
    pub hub_backoff: (Duration, Duration),
    /// The wait before a failed step is tried again: first step and cap.
    pub step_backoff: (Duration, Duration),
    /// The shared circuit to the Hub: failures in a row that open it, first cool-down, cap.
    pub circuit: (u32, Duration, Duration),
}

impl Default for Tuning {
    fn default() -> Tuning {
        let engine = EngineConfig::default();
        Tuning {
            hub_attempts: HubConfig::DEFAULT_MAX_ATTEMPTS,
            hub_backoff: (
                HubConfig::DEFAULT_BACKOFF_BASE,
                HubConfig::DEFAULT_BACKOFF_CAP,
            ),
            step_backoff: (engine.backoff_base, engine.backoff_cap),
            circuit: (
                HubConfig::DEFAULT_CIRCUIT.threshold,
                HubConfig::DEFAULT_CIRCUIT.cooldown,
                HubConfig::DEFAULT_CIRCUIT.cooldown_cap,
            ),
        }
    }
}

impl Tuning {
    /// Retries within milliseconds, for tests against a local Hub simulator.
    pub fn quick() -> Tuning {
        Tuning {
            hub_attempts: 6,
            hub_backoff: (Duration::from_millis(20), Duration::from_millis(200)),
            step_backoff: (Duration::from_millis(10), Duration::from_millis(50)),
            circuit: (5, Duration::from_millis(200), Duration::from_secs(1)),
        }
    }
}

/// Builds a [`Leaver`]: [`Builder::build`] for a running Leaver, [`Builder::database_only`] for
/// one-shot commands.
#[derive(Debug)]
pub struct Builder {
    settings: Settings,
    clock: Arc<dyn Clock>,
    tuning: Tuning,
    public_url: Option<url::Url>,
}

impl Leaver {
    /// Everything a running Leaver needs, from `settings`, on the wall clock.
    pub async fn build(settings: Settings) -> anyhow::Result<Leaver> {
        Leaver::builder(settings).build().await
    }

    /// A builder, to change the clock, the tuning or where links lead.
    pub fn builder(settings: Settings) -> Builder {
        Builder {
            settings,
            clock: Arc::new(SystemClock),
            tuning: Tuning::default(),
            public_url: None,
        }
    }
}

impl Builder {
    /// Every caller reads the time from `clock`.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Builder {
        self.clock = clock;
        self
    }

    /// How patient to be with failures.
    pub fn tuning(mut self, tuning: Tuning) -> Builder {
        self.tuning = tuning;
        self
    }

    /// Links in emails lead to `url` (where the server was bound) unless `LEAVER_PUBLIC_URL`
    /// says otherwise.
    pub fn serving_at(mut self, url: url::Url) -> Builder {
        self.public_url = Some(url);
        self
    }

    /// The store, the Hub client, the engine with approval mail, approval links and the token
    /// sealer; explains what is missing or wrong.
    pub async fn build(self) -> anyhow::Result<Leaver> {
        let store = store(&self.settings).await?;
        let hub = hub_client(&self.settings, self.tuning)?;
        let public_url = match (self.settings.public_url.clone(), self.public_url) {
            (Some(public), _) | (None, Some(public)) => public,
            (None, None) => format!("http://{}", self.settings.bind)
                .parse()
                .context("LEAVER_BIND as a URL")?,
        };
        let approvals = approvals::approval_setup(&self.settings, &public_url)?;
        let config = EngineConfig {
            token_sealer: Some(approvals.token_sealer.clone()),
            backoff_base: self.tuning.step_backoff.0,
            backoff_cap: self.tuning.step_backoff.1,
            apps: crate::apps::connectors(&self.settings.apps)?,
            ..engine_config(&self.settings)
        };
        let engine = Engine::with_approvals(
            store.clone(),
            hub.clone(),
            self.clock.clone(),
            config,
            Some(approvals.mail),
        );
        let settings_view = SettingsHandle::for_settings(&self.settings);
        Ok(Leaver {
            lookup: crate::opening::lookup_client(&self.settings),
            settings: self.settings,
            store,
            clock: self.clock,
            running: Some(crate::leaver::Running {
                hub,
                engine,
                links: approvals.links,
                sealer: approvals.token_sealer,
                settings_view,
            }),
        })
    }

    /// The store and the clock only, for commands that call no Hub and send no email (`leaver
    /// case`, `import`, `audit`, `user`, `apikey`): no key file is made, no mailbox folder.
    pub async fn database_only(self) -> anyhow::Result<Leaver> {
        Ok(Leaver {
            lookup: crate::opening::lookup_client(&self.settings),
            store: store(&self.settings).await?,
            settings: self.settings,
            clock: self.clock,
            running: None,
        })
    }
}

/// Opens the configured store and brings its schema up to date.
async fn store(settings: &Settings) -> anyhow::Result<Arc<SqlStore>> {
    let store = leaver_store::connect(&settings.database_url).await?;
    store.migrate().await?;
    Ok(Arc::new(store))
}

/// The Hub client, from `LEAVER_HUB_URL` and `LEAVER_HUB_TOKEN`.
pub(crate) fn hub_client(settings: &Settings, tuning: Tuning) -> anyhow::Result<HubClient> {
    let token: SecretString = settings
        .hub_token
        .clone()
        .context("LEAVER_HUB_TOKEN is not set: Leaver needs an org admin's Hub token to read and change the orgs")?;
    let (base, cap) = tuning.hub_backoff;
    let (threshold, cooldown, cooldown_cap) = tuning.circuit;
    let config = HubConfig::new(settings.hub_url.clone(), token)
        .with_retries(tuning.hub_attempts, base, cap)
        .with_circuit(threshold, cooldown, cooldown_cap);
    Ok(HubClient::new(config)?)
}

/// The engine's settings, from Leaver's.
pub(crate) fn engine_config(settings: &Settings) -> EngineConfig {
    EngineConfig {
        orgs: settings.orgs.clone(),
        service_accounts: settings.service_accounts.clone(),
        lease: Duration::from_secs(settings.lease_secs),
        batch: settings.batch,
        retry_for: Duration::from_secs(settings.retry_for_secs),
        tokens_ack_required: settings.tokens_ack_required,
        watch_every: Some(Duration::from_secs(settings.watch_every_secs)),
        watch_for: Duration::from_secs(settings.watch_days * 86_400),
        ..EngineConfig::default()
    }
}
