//! The settings page's section on signed HR webhooks (`templates/settings/hooks.html`): each
//! hook source (never its secret), its URL, and the last calls received from it.

use crate::views::{PageError, when};
use leaver_app::Leaver;

/// A hook source as the settings page lists it.
pub struct HookRow {
    pub name: String,
    pub created: String,
    pub revoked: Option<String>,
    pub calls: Vec<CallRow>,
}

/// One call received, as the page shows it.
pub struct CallRow {
    pub at: String,
    pub status: u16,
    pub outcome: String,
}

impl CallRow {
    /// Whether the call was taken (2xx).
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Every hook source with its last calls, newest first.
pub async fn rows(app: &Leaver) -> Result<Vec<HookRow>, PageError> {
    let views = app.hook_sources_with_calls().await?;
    Ok(views
        .into_iter()
        .map(|v| HookRow {
            name: v.source.name,
            created: when(v.source.created_at),
            revoked: v.source.revoked_at.map(when),
            calls: v
                .calls
                .into_iter()
                .map(|c| CallRow {
                    at: when(c.at),
                    status: c.status,
                    outcome: c.outcome,
                })
                .collect(),
        })
        .collect())
}
