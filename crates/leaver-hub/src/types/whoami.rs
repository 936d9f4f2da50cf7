//! `GET /api/whoami-v2`: who owns the token, and their role in each org.

use serde::{Deserialize, Serialize};

use super::null_as_default;

/// The owner of the token and what it may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhoAmI {
    /// `user` (also `org` or `app` for other token kinds).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The account's id.
    #[serde(default)]
    pub id: Option<String>,
    /// The username.
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub fullname: Option<String>,
    /// Email, when the token may read it.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the email is verified.
    #[serde(default)]
    pub email_verified: Option<bool>,
    /// PRO subscription.
    #[serde(default)]
    pub is_pro: Option<bool>,
    /// Avatar URL.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// Orgs the user belongs to, with their role in each.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orgs: Vec<WhoAmIOrg>,
    /// What kind of token this is.
    #[serde(default)]
    pub auth: Option<AuthInfo>,
}

/// One org of the token's owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhoAmIOrg {
    /// Org id.
    #[serde(default)]
    pub id: Option<String>,
    /// Org name.
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub fullname: Option<String>,
    /// `team`, `enterprise`, `plus`, `academia`; absent on free orgs.
    #[serde(default)]
    pub plan: Option<String>,
    /// The caller's role: `admin|write|contributor|read|no_access` or a custom role name.
    #[serde(default)]
    pub role_in_org: Option<String>,
    /// What blocks access now: `mfa`, `token-policy`, `token-revoked`, `sso`, `ip`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub security_restrictions: Vec<String>,
    /// The caller's resource groups in this org.
    #[serde(default, deserialize_with = "null_as_default")]
    pub resource_groups: Vec<WhoAmIResourceGroup>,
}

/// A resource group the caller belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhoAmIResourceGroup {
    /// Resource group id.
    #[serde(default)]
    pub id: Option<String>,
    /// Resource group name.
    #[serde(default)]
    pub name: Option<String>,
    /// The caller's role in it.
    #[serde(default)]
    pub role: Option<String>,
}

/// The `auth` block of whoami-v2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthInfo {
    /// Auth type, e.g. `access_token`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The access token's metadata (never its value).
    #[serde(default)]
    pub access_token: Option<AccessTokenInfo>,
    /// Expiry, when the token has one (ISO-8601).
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// Metadata of the access token in use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessTokenInfo {
    /// The token's name (absent for OAuth tokens).
    #[serde(default)]
    pub display_name: Option<String>,
    /// `read`, `write`, `god` or `fineGrained`.
    #[serde(default)]
    pub role: Option<String>,
    /// Creation time (ISO-8601).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Scopes of a fine-grained token, as sent.
    #[serde(default)]
    pub fine_grained: Option<serde_json::Value>,
}
