//! What the web app is given by `serve` and `demo`: the stores, the public URL, the Hub
//! client's counters for `/metrics`, and the `/settings` picture, kept from the engine's org
//! snapshot by a background task (pages never call the Hub).

use crate::config::Settings;
use leaver_engine::{Engine, OrgIndex};
use leaver_hub::HubClient;
use leaver_store::SqlStore;
use leaver_web::{AppState, OrgView, SettingsHandle, SettingsView};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::watch;

/// How often `/settings` picks up the engine's latest org snapshot.
const REFRESH: Duration = Duration::from_secs(30);

/// The web app's state for `store` and `hub`.
pub fn app_state(
    settings: &Settings,
    store: Arc<SqlStore>,
    hub: &HubClient,
) -> (AppState, SettingsHandle) {
    let counters = hub.clone();
    let handle = SettingsHandle::new(SettingsView {
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
        ..SettingsView::default()
    });
    let state = AppState::new(store)
        .with_public_url(settings.public_url.as_ref())
        .with_hub_counters(Arc::new(move || {
            (counters.calls_made(), counters.rate_limited_responses())
        }))
        .with_settings(handle.clone());
    (state, handle)
}

/// Reads the orgs once (as `leaver check` does), then follows the engine's own snapshot, until
/// `stop` turns true.
pub async fn watch_settings(
    engine: Arc<Engine>,
    handle: SettingsHandle,
    mut stop: watch::Receiver<bool>,
) {
    let first = tokio::select! {
        first = engine.index().snapshot(OffsetDateTime::now_utc()) => first,
        _ = stop.wait_for(|stop| *stop) => return,
    };
    if let Err(e) = &first {
        let mut view = handle.get();
        view.token_error = Some(e.to_string());
        view.checked_at = Some(OffsetDateTime::now_utc());
        handle.set(view);
    }
    while !*stop.borrow() {
        update(engine.index(), &handle).await;
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

/// The operator `leaver demo` logs in with: a fixed email and a fresh random password, printed
/// with the demo's URLs (the demo database is thrown away on the next run).
pub async fn demo_operator(store: &SqlStore) -> anyhow::Result<(String, String)> {
    use leaver_store::AccountStore;
    let email = "demo@acme.test".to_owned();
    let password = leaver_web::auth::random_token("")[..16].to_owned();
    let hash = leaver_web::auth::hash_password(&password)?;
    store
        .upsert_operator(&email, &hash, OffsetDateTime::now_utc())
        .await?;
    Ok((email, password))
}
