//! `GET /api/users/{username}/overview`: a user's public profile.

use serde::{Deserialize, Serialize};

use super::{OrgOverview, null_as_default};

/// A user's public profile (no per-org roles; private memberships may be missing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserOverview {
    /// The username.
    pub user: String,
    /// Display name.
    #[serde(default)]
    pub fullname: Option<String>,
    /// Avatar URL.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// `user`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// PRO subscription.
    #[serde(default)]
    pub is_pro: Option<bool>,
    /// Number of models.
    #[serde(default)]
    pub num_models: Option<u64>,
    /// Number of datasets.
    #[serde(default)]
    pub num_datasets: Option<u64>,
    /// Number of spaces.
    #[serde(default)]
    pub num_spaces: Option<u64>,
    /// Public org memberships.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orgs: Vec<OrgOverview>,
}
