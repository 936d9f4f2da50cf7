//! Listing operators and API keys (names and times, never a secret) and taking their access
//! away: `leaver user list|remove`, `leaver apikey list|revoke` and the settings page. Each
//! removal is an audit record naming who did it; a removed operator's sessions end with them.

use crate::{Error, Leaver, Result};
use leaver_store::{AccountStore, Actor, ApiKeySummary, OperatorSummary};

impl Leaver {
    /// Every operator, by email.
    pub async fn operators(&self) -> Result<Vec<OperatorSummary>> {
        Ok(self.store.list_operators().await?)
    }

    /// Every API key, by name.
    pub async fn api_keys(&self) -> Result<Vec<ApiKeySummary>> {
        Ok(self.store.list_api_keys().await?)
    }

    /// Removes the operator `email`: they can no longer log in, and any page they have open is
    /// logged out on its next request. Audited as done by `actor`.
    pub async fn remove_operator(&self, email: &str, actor: &Actor) -> Result<()> {
        let email = email.trim();
        if email.is_empty() {
            return Err(Error::invalid("email", "is required"));
        }
        if self.store.remove_operator(email, actor, self.now()).await? {
            Ok(())
        } else {
            Err(Error::NotFound(format!(
                "no operator has the email {email:?}; `leaver user list` shows who has"
            )))
        }
    }

    /// Revokes the API key named `name`: requests with it are refused from now on. Audited as
    /// done by `actor`.
    pub async fn revoke_api_key(&self, name: &str, actor: &Actor) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("name", "is required"));
        }
        if self.store.revoke_api_key(name, actor, self.now()).await? {
            Ok(())
        } else {
            Err(Error::NotFound(format!(
                "no API key is named {name:?}; `leaver apikey list` shows the names"
            )))
        }
    }
}
