//! The read-only picture `/settings` shows: the managed orgs, their detected plan and what the
//! Hub token may do there; each SCIM app (`[[apps]]`): reachable, token valid, PATCH supported. A running Leaver fills it in the background from the engine's org
//! snapshot (`Leaver::start_workers` runs `follow`); pages only read it, so a page view never
//! waits on the Hub.

use crate::settings::Settings;
use leaver_engine::{Engine, OrgIndex};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::watch;

/// How often `/settings` picks up the engine's latest org snapshot.
const REFRESH: Duration = Duration::from_secs(30);

/// One managed org as last read from the Hub.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgView {
    pub name: String,
    /// `free`, `team`, `enterprise`, `plus` (as detected), or empty if the read failed.
    pub plan: String,
    /// `none`, `basic`, `managed`.
    pub scim: String,
    /// The token's role in the org (`admin`, `write`, ...) or `not a member`.
    pub token_role: String,
    /// Whether the token can manage members (else member steps fall back to manual).
    pub can_manage_members: bool,
    /// Why the org could not be read, if it could not.
    pub error: Option<String>,
}

/// One SCIM app (`[[apps]]`) as last probed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppView {
    pub name: String,
    pub base_url: String,
    /// `deactivate` or `delete`.
    pub action: String,
    /// `userName`, `emails` or `externalId`.
    pub match_by: String,
    /// What the probe found (`reachable, token valid, PATCH supported`); `None` before it ran.
    pub status: Option<String>,
    /// Reachable with a valid token.
    pub ok: bool,
}

/// Everything `/settings` shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SettingsView {
    /// The Hub's base URL.
    pub hub_url: String,
    /// Whose token Leaver acts with, once known.
    pub token_user: Option<String>,
    /// Why the token could not be checked, if it could not.
    pub token_error: Option<String>,
    pub orgs: Vec<OrgView>,
    pub apps: Vec<AppView>,
    /// Hub accounts that do not count as a remaining admin.
    pub service_accounts: Vec<String>,
    /// When the Hub was last read; `None` before the first read.
    pub checked_at: Option<OffsetDateTime>,
}

/// A shared, refreshable [`SettingsView`].
#[derive(Clone, Debug, Default)]
pub struct SettingsHandle(Arc<RwLock<SettingsView>>);

impl SettingsHandle {
    /// A handle holding `view`.
    pub fn new(view: SettingsView) -> SettingsHandle {
        SettingsHandle(Arc::new(RwLock::new(view)))
    }

    /// What the settings say before the Hub is read: its URL, the orgs by name.
    pub fn for_settings(settings: &Settings) -> SettingsHandle {
        SettingsHandle::new(SettingsView {
            hub_url: settings.hub_url.to_string(),
            service_accounts: settings.service_accounts.clone(),
            orgs: settings
                .orgs
                .iter()
                .map(|name| OrgView {
                    name: name.clone(),
                    ..OrgView::default()
                })
                .collect(),
            apps: settings
                .apps
                .iter()
                .map(|app| AppView {
                    name: app.name.clone(),
                    base_url: app.base_url.clone(),
                    action: app.action.clone(),
                    match_by: app.match_by.clone(),
                    ..AppView::default()
                })
                .collect(),
            ..SettingsView::default()
        })
    }

    /// A copy of the current view.
    pub fn get(&self) -> SettingsView {
        match self.0.read() {
            Ok(view) => view.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the view.
    pub fn set(&self, view: SettingsView) {
        match self.0.write() {
            Ok(mut current) => *current = view,
            Err(poisoned) => *poisoned.into_inner() = view,
        }
    }
}

/// Reads the orgs once (as `leaver check` does), then follows the engine's own snapshot, until
/// `stop` turns true.
pub(crate) async fn follow(
    engine: Arc<Engine>,
    clock: Arc<dyn crate::Clock>,
    handle: SettingsHandle,
    mut stop: watch::Receiver<bool>,
) {
    let first = tokio::select! {
        first = engine.index().snapshot(clock.now()) => first,
        _ = stop.wait_for(|stop| *stop) => return,
    };
    if let Err(e) = &first {
        let mut view = handle.get();
        view.token_error = Some(e.to_string());
        view.checked_at = Some(clock.now());
        handle.set(view);
    }
    while !*stop.borrow() {
        update(engine.index(), &handle).await;
        probe_apps(engine.apps(), &handle).await;
        let _ = tokio::time::timeout(REFRESH, stop.changed()).await;
    }
}

async fn update(index: &OrgIndex, handle: &SettingsHandle) {
    let Some(snapshot) = index.latest().await else {
        return;
    };
    let mut view = handle.get();
    view.token_user = Some(snapshot.me.name.clone());
    view.token_error = None;
    view.checked_at = Some(snapshot.read_at);
    view.orgs = snapshot
        .orgs
        .iter()
        .map(|org| OrgView {
            name: org.name.clone(),
            plan: format!("{:?}", org.plan).to_lowercase(),
            scim: format!("{:?}", org.scim).to_lowercase(),
            token_role: org
                .token
                .role_in_org
                .clone()
                .unwrap_or_else(|| "not a member".into()),
            can_manage_members: org.token.is_admin(),
            error: None,
        })
        .collect();
    handle.set(view);
}

/// Probes each SCIM app and shows what it found.
async fn probe_apps(apps: &[leaver_engine::AppConnector], handle: &SettingsHandle) {
    if apps.is_empty() {
        return;
    }
    let mut found = Vec::with_capacity(apps.len());
    for app in apps {
        let probe = app.client.probe().await;
        found.push((app.name.clone(), probe));
    }
    let mut view = handle.get();
    for app in &mut view.apps {
        if let Some((_, probe)) = found.iter().find(|(name, _)| *name == app.name) {
            app.ok = probe.reachable && probe.token_valid;
            app.status = Some(crate::preflight::apps::words(probe));
        }
    }
    handle.set(view);
}
