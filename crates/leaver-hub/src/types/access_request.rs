//! Gated-repo access requests.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The status of an access request, also the list it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessStatus {
    /// Waiting for review (setting it back here is the Hub client's "cancel": access removed).
    Pending,
    /// Access granted.
    Accepted,
    /// Access refused; the user cannot ask again.
    Rejected,
}

impl AccessStatus {
    /// The wire and URL name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }
}

impl fmt::Display for AccessStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One item of `GET /api/{type}s/{repo}/user-access-request/{status}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequest {
    /// The request's id (24 hex).
    #[serde(default)]
    pub request_id: Option<String>,
    /// The requester; absent when the repo hides requesters' usernames.
    #[serde(default)]
    pub user: Option<AccessRequestUser>,
    /// `pending`, `accepted` or `rejected`, as sent.
    #[serde(default)]
    pub status: Option<String>,
    /// When the request was made (ISO-8601).
    #[serde(default)]
    pub timestamp: Option<String>,
    /// Answers to the gate's form, as sent.
    #[serde(default)]
    pub fields: Option<serde_json::Value>,
}

impl AccessRequest {
    /// The requester's username, when shared.
    pub fn username(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.user.as_str())
    }
}

/// The requester of an access request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestUser {
    /// Username.
    pub user: String,
    /// Display name.
    #[serde(default)]
    pub fullname: Option<String>,
    /// Email (may be missing for manually granted access).
    #[serde(default)]
    pub email: Option<String>,
}
