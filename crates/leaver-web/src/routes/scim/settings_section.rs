//! The settings page's SCIM section (`templates/settings/scim.html`): the endpoint URL to give
//! the identity provider, the `scim` keys (names and times, never a key) and the last calls
//! each made.

use crate::AppState;
use crate::views::{PageError, when};
use axum::http::HeaderMap;

/// One call as the section lists it.
pub struct CallRow {
    pub at: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub outcome: String,
}

/// One `scim` key with its last calls.
pub struct KeyRow {
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
    pub calls: Vec<CallRow>,
}

/// What the section shows.
pub struct ScimSection {
    pub endpoint: String,
    pub keys: Vec<KeyRow>,
}

/// The section for the page at `headers`' Host (or `LEAVER_PUBLIC_URL`).
pub async fn section(state: &AppState, headers: &HeaderMap) -> Result<ScimSection, PageError> {
    let keys = state.app.scim_keys().await?;
    Ok(ScimSection {
        endpoint: super::users::endpoint(state, headers).0,
        keys: keys
            .into_iter()
            .map(|k| KeyRow {
                name: k.key.name,
                created: when(k.key.created_at),
                last_used: k.key.last_used_at.map(when),
                calls: k
                    .calls
                    .into_iter()
                    .map(|c| CallRow {
                        at: when(c.at),
                        method: c.method,
                        path: c.path,
                        status: c.status,
                        outcome: c.outcome,
                    })
                    .collect(),
            })
            .collect(),
    })
}
