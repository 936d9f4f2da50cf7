//! Cutting off tokens: org-level revoke and global credential revoke.
//!
//! Raw token values are secrets: they are taken as [`SecretString`], exposed only into the
//! request body, and never logged.

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use crate::client::{Call, HubClient};
use crate::error::HubError;

impl HubClient {
    /// `POST /api/organizations/{org}/settings/tokens/revoke` with `{"token": "hf_..."}`
    /// (Enterprise): the token loses access to the org, for good. Needs the raw value and an
    /// admin's token; an admin cannot revoke their own token.
    pub async fn revoke_org_token(&self, org: &str, raw: &SecretString) -> Result<(), HubError> {
        let url = self.endpoint(&["api", "organizations", org, "settings", "tokens", "revoke"]);
        let body = json!({ "token": raw.expose_secret() });
        self.send(&Call::new(Method::POST, url).json(body))
            .await
            .map(drop)
    }

    /// `POST /api/credentials/revoke` with `{"credentials": [...]}`: kill tokens everywhere.
    /// The Hub answers 202 whatever the tokens are, so success proves nothing about them.
    /// The Hub needs no auth here; the client's token is sent anyway, like on every call,
    /// so the call is paced in the same rate-limit bucket.
    pub async fn revoke_credentials(&self, raw: &[SecretString]) -> Result<(), HubError> {
        let url = self.endpoint(&["api", "credentials", "revoke"]);
        let credentials: Vec<&str> = raw.iter().map(|t| t.expose_secret()).collect();
        let body = json!({ "credentials": credentials });
        self.send(&Call::new(Method::POST, url).json(body))
            .await
            .map(drop)
    }
}
