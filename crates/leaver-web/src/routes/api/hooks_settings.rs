//! The settings page's section on signed HR webhooks (`templates/settings/hooks.html`): each
//! hook source (never its secret), its URL, and the last calls received from it; and the last
//! calls to no known source (a sender with a wrong URL), whose outcome names the source tried.

use crate::views::{PageError, when};
use leaver_app::Leaver;
use leaver_app::hooks::InboundCall;

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

/// The section: every hook source with its last calls, and the last calls to no known source.
pub struct HookSection {
    pub sources: Vec<HookRow>,
    pub unknown: Vec<CallRow>,
}

impl HookSection {
    /// Read through the use cases, newest calls first.
    pub async fn read(app: &Leaver) -> Result<HookSection, PageError> {
        let views = app.hook_sources_with_calls().await?;
        let sources = views
            .into_iter()
            .map(|v| HookRow {
                name: v.source.name,
                created: when(v.source.created_at),
                revoked: v.source.revoked_at.map(when),
                calls: calls(v.calls),
            })
            .collect();
        let unknown = calls(app.calls_to_unknown_sources().await?);
        Ok(HookSection { sources, unknown })
    }
}

fn calls(calls: Vec<InboundCall>) -> Vec<CallRow> {
    calls
        .into_iter()
        .map(|c| CallRow {
            at: when(c.at),
            status: c.status,
            outcome: c.outcome,
        })
        .collect()
}
