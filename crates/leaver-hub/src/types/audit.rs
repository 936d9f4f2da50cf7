//! `GET /api/organizations/{org}/audit-log/export`: org audit events.

use serde::{Deserialize, Serialize};

/// One audit-log event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// Event id.
    #[serde(rename = "_id", default)]
    pub id: Option<String>,
    /// When it happened (ISO-8601).
    #[serde(default)]
    pub created_at: Option<String>,
    /// `scope.action`, e.g. `org.remove_user`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Human description.
    #[serde(default)]
    pub message: Option<String>,
    /// Event data, as sent.
    #[serde(default)]
    pub data: Option<serde_json::Value>,
    /// Caller IP (partly masked).
    #[serde(default)]
    pub ip: Option<String>,
    /// Caller user agent.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// Caller location.
    #[serde(default)]
    pub location: Option<AuditLocation>,
    /// Who did it.
    #[serde(default)]
    pub author: Option<AuditAuthor>,
    /// The token used.
    #[serde(default)]
    pub token: Option<AuditToken>,
}

/// Where an audit event came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditLocation {
    /// E.g. `Paris, FR`.
    #[serde(default)]
    pub formatted: Option<String>,
}

/// The author of an audit event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditAuthor {
    /// User id.
    #[serde(rename = "_id", default)]
    pub id: Option<String>,
    /// Username.
    #[serde(default)]
    pub user: Option<String>,
    /// `user` or `system`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The account was deleted since.
    #[serde(default)]
    pub deleted: Option<bool>,
}

/// The token behind an audit event (never its value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditToken {
    /// Token id.
    #[serde(default)]
    pub id: Option<String>,
    /// `read`, `write` or `fineGrained`.
    #[serde(default)]
    pub role: Option<String>,
    /// Last four characters.
    #[serde(default)]
    pub last4: Option<String>,
    /// The token was deleted since.
    #[serde(default)]
    pub deleted: Option<bool>,
}
