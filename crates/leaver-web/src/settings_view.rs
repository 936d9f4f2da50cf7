//! The read-only picture `/settings` shows: the managed orgs, their detected plan and what the
//! Hub token may do there. Whoever runs a Hub client (`leaver serve`) fills it in the background;
//! handlers only read it, so a page view never waits on the Hub.

use std::sync::{Arc, RwLock};
use time::OffsetDateTime;

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
