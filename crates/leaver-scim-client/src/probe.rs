//! What `leaver check` and the settings page show of an app: whether it answers, whether the
//! token is accepted, and whether it supports PATCH (its ServiceProviderConfig, RFC 7643 §5).

use crate::client::ScimClient;
use crate::error::{ScimClientError, ScimFailure};
use leaver_scim::path::get_ci;
use serde_json::Value;

/// What the app's ServiceProviderConfig says it supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    pub patch: bool,
}

/// An app as a probe found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// It answered at all (any HTTP status).
    pub reachable: bool,
    /// It accepted the token on `/Users`.
    pub token_valid: bool,
    /// Its ServiceProviderConfig says PATCH is supported; `None` when it could not be read.
    pub patch: Option<bool>,
    /// What went wrong, if anything did.
    pub problem: Option<String>,
}

impl ScimClient {
    /// The app's features, from `GET /ServiceProviderConfig`.
    pub async fn features(&self) -> Result<Features, ScimClientError> {
        let config = self
            .get("GET /ServiceProviderConfig", "ServiceProviderConfig")
            .await?;
        let patch = get_ci(&config, "patch")
            .and_then(|p| get_ci(p, "supported"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        Ok(Features { patch })
    }

    /// Probes the app: a one-result list of Users (reachable, token), then its features.
    pub async fn probe(&self) -> Probe {
        let listed = self.get("GET /Users?count=1", "Users?count=1").await;
        let (reachable, token_valid, mut problem) = match &listed {
            Ok(_) => (true, true, None),
            Err(e) if e.status.is_none() => (false, false, Some(e.to_string())),
            Err(e) if e.failure == ScimFailure::Unauthorized => (true, false, Some(e.to_string())),
            Err(e) => (true, false, Some(e.to_string())),
        };
        let patch = match self.features().await {
            Ok(features) => Some(features.patch),
            Err(e) => {
                problem.get_or_insert(e.to_string());
                None
            }
        };
        Probe {
            reachable,
            token_valid,
            patch,
            problem,
        }
    }
}
