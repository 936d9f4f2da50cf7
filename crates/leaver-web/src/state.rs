//! What every handler can reach.

use crate::settings_view::SettingsHandle;
use crate::{ApprovalLinks, GuessBrake, MailboxReader};
use leaver_store::{AccountStore, ReportStore, Store, TokenSealer};
use std::fmt;
use std::sync::Arc;

/// Reads the Hub client's counters: (calls made, 429 answers received).
pub type HubCounters = Arc<dyn Fn() -> (u64, u64) + Send + Sync>;

/// Shared application state: cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub accounts: Arc<dyn AccountStore>,
    pub reports: Arc<dyn ReportStore>,
    /// What `/settings` shows: the orgs as the engine last read them (never read inline).
    pub settings: SettingsHandle,
    /// The Hub client's counters for `/metrics`, when a Hub client runs in this process.
    pub hub_counters: Option<HubCounters>,
    /// The origin (`https://leaver.example.com`) of `LEAVER_PUBLIC_URL`, if set: form POSTs
    /// must come from it (or from the Host they were sent to).
    pub public_origin: Option<String>,
    /// Whether cookies carry `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// Minting for fresh approval links, when approval emails are configured.
    pub approval_links: Option<ApprovalLinks>,
    /// Slows down whoever tries approval links that do not exist.
    pub guesses: Arc<GuessBrake>,
    /// Counts login attempts per address, each before its password is checked.
    pub login_brake: Arc<GuessBrake>,
    /// The demo's mailbox, shown at `/mail` (only `leaver demo` sets it).
    pub mailbox: Option<Arc<dyn MailboxReader>>,
    /// Seals Hub tokens handed over for revocation (`POST /api/v1/cases/{id}/tokens`).
    pub token_sealer: Option<Arc<TokenSealer>>,
}

impl AppState {
    /// State over one store that is also the account and report store (the SQL store is).
    pub fn new<S>(store: Arc<S>) -> AppState
    where
        S: Store + AccountStore + ReportStore + 'static,
    {
        AppState {
            store: store.clone(),
            accounts: store.clone(),
            reports: store,
            settings: SettingsHandle::default(),
            hub_counters: None,
            public_origin: None,
            secure_cookies: false,
            approval_links: None,
            guesses: Arc::default(),
            login_brake: Arc::default(),
            mailbox: None,
            token_sealer: None,
        }
    }

    /// Tokens handed over through the API are sealed with `sealer`.
    pub fn with_token_sealer(mut self, sealer: Arc<TokenSealer>) -> AppState {
        self.token_sealer = Some(sealer);
        self
    }

    /// `/mail` shows `mailbox` (the demo's).
    pub fn with_mailbox(mut self, mailbox: Arc<dyn MailboxReader>) -> AppState {
        self.mailbox = Some(mailbox);
        self
    }

    /// Expired approval links can be renewed with `links`.
    pub fn with_approval_links(mut self, links: ApprovalLinks) -> AppState {
        self.approval_links = Some(links);
        self
    }

    /// Links, cookies and the origin check follow `LEAVER_PUBLIC_URL`.
    pub fn with_public_url(mut self, url: Option<&url::Url>) -> AppState {
        if let Some(url) = url {
            self.public_origin = Some(url.origin().ascii_serialization());
            self.secure_cookies = url.scheme() == "https";
        }
        self
    }

    /// `/metrics` reports the Hub client's calls and 429s through `counters`.
    pub fn with_hub_counters(mut self, counters: HubCounters) -> AppState {
        self.hub_counters = Some(counters);
        self
    }

    /// `/settings` shows what `settings` holds (refreshed by whoever owns it).
    pub fn with_settings(mut self, settings: SettingsHandle) -> AppState {
        self.settings = settings;
        self
    }
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store)
            .field("public_origin", &self.public_origin)
            .field("secure_cookies", &self.secure_cookies)
            .finish_non_exhaustive()
    }
}
