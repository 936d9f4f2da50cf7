//! Listing operators and API keys (names and times, never a secret), adding them as someone
//! (audited) and taking their access away: `leaver user add|list|remove`, `leaver apikey
//! create|list|revoke` and the settings page. Each change is an audit record naming who made it;
//! a removed operator's sessions end with them.

use crate::accounts::OperatorAdded;
use crate::{Error, Leaver, Result};
use leaver_store::{AccountStore, Actor, ApiKeySummary, KeyScope, OperatorSummary, Store};
use serde_json::json;

/// The audit kind of an operator added.
pub const OPERATOR_ADDED: &str = "operator_added";
/// The audit kind of an operator's password set anew.
pub const OPERATOR_PASSWORD_SET: &str = "operator_password_set";
/// The audit kind of an API key created.
pub const API_KEY_CREATED: &str = "api_key_created";

impl Leaver {
    /// Every operator, by email.
    pub async fn operators(&self) -> Result<Vec<OperatorSummary>> {
        Ok(self.store.list_operators().await?)
    }

    /// Every API key, by name.
    pub async fn api_keys(&self) -> Result<Vec<ApiKeySummary>> {
        Ok(self.store.list_api_keys().await?)
    }

    /// [`Leaver::add_operator`], audited as done by `actor` (never the password or its hash).
    pub async fn add_operator_as(
        &self,
        email: &str,
        password: &str,
        actor: &Actor,
    ) -> Result<OperatorAdded> {
        let added = self.add_operator(email, password).await?;
        let kind = if added.created {
            OPERATOR_ADDED
        } else {
            OPERATOR_PASSWORD_SET
        };
        let data = json!({ "email": added.email });
        self.store
            .append_audit(None, actor, kind, data, self.now())
            .await?;
        Ok(added)
    }

    /// [`Leaver::create_api_key`], audited as done by `actor` (the name, never the key).
    pub async fn create_api_key_as(&self, name: &str, actor: &Actor) -> Result<String> {
        self.create_scoped_api_key_as(name, KeyScope::Api, actor)
            .await
    }

    /// [`Leaver::create_scoped_api_key`], audited as done by `actor` (the name and scope, never
    /// the key).
    pub async fn create_scoped_api_key_as(
        &self,
        name: &str,
        scope: KeyScope,
        actor: &Actor,
    ) -> Result<String> {
        let key = self.create_scoped_api_key(name, scope).await?;
        let data = json!({ "name": name.trim(), "scope": scope.as_str() });
        self.store
            .append_audit(None, actor, API_KEY_CREATED, data, self.now())
            .await?;
        Ok(key)
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
