//! SCIM 2.0 users, on either of the Hub's two SCIM bases.

use serde::{Deserialize, Serialize};

use super::null_as_default;

/// Which SCIM base an org uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScimBase {
    /// Managed SSO (Enterprise Plus): `/scim/v2`. Users are Hub accounts the org owns;
    /// `active=false` removes them from the org, DELETE deletes the account for good.
    Managed,
    /// Basic SSO (Enterprise): `/scim-provisioning/v2`. Users are memberships or invitations
    /// of existing accounts; DELETE removes the membership and pending invitations.
    Basic,
}

impl ScimBase {
    /// The path segments under `/api/organizations/{org}/`.
    pub fn path_segments(self) -> [&'static str; 2] {
        match self {
            Self::Managed => ["scim", "v2"],
            Self::Basic => ["scim-provisioning", "v2"],
        }
    }
}

/// A SCIM `ListResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimListResponse<T> {
    /// Total matches across pages.
    #[serde(default)]
    pub total_results: u64,
    /// Items in this page.
    #[serde(default)]
    pub items_per_page: Option<u64>,
    /// 1-based index of this page's first item.
    #[serde(default)]
    pub start_index: Option<u64>,
    /// The items.
    #[serde(
        rename = "Resources",
        default = "Vec::new",
        deserialize_with = "null_as_default",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    pub resources: Vec<T>,
}

/// A SCIM User resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimUser {
    /// The Hub's SCIM id for this user.
    pub id: String,
    /// The IdP's id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The Hub username.
    pub user_name: String,
    /// Display name (the username on the Hub).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Name parts.
    #[serde(default)]
    pub name: Option<ScimName>,
    /// Emails.
    #[serde(default, deserialize_with = "null_as_default")]
    pub emails: Vec<ScimEmail>,
    /// Whether the user is active (provisioned) in the org.
    #[serde(default)]
    pub active: Option<bool>,
}

/// SCIM name parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimName {
    /// Given name.
    #[serde(default)]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default)]
    pub family_name: Option<String>,
    /// Full name.
    #[serde(default)]
    pub formatted: Option<String>,
}

/// A SCIM email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScimEmail {
    /// The address.
    pub value: String,
    /// Primary address.
    #[serde(default)]
    pub primary: Option<bool>,
    /// E.g. `work`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}
