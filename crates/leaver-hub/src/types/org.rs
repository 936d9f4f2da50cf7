//! Organizations: overview, members and resource groups.

use serde::{Deserialize, Serialize};

use super::null_as_default;

/// `GET /api/organizations/{org}/overview` (also the items of a user's `orgs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgOverview {
    /// Org name (its URL slug).
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub fullname: Option<String>,
    /// Avatar URL.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// Free text description.
    #[serde(default)]
    pub details: Option<String>,
    /// Verified org.
    #[serde(default)]
    pub is_verified: Option<bool>,
    /// Number of members.
    #[serde(default)]
    pub num_users: Option<u64>,
    /// Number of models.
    #[serde(default)]
    pub num_models: Option<u64>,
    /// Number of datasets.
    #[serde(default)]
    pub num_datasets: Option<u64>,
    /// Number of spaces.
    #[serde(default)]
    pub num_spaces: Option<u64>,
    /// `team`, `enterprise`, `plus`, ...; absent or `null` on free orgs.
    #[serde(default)]
    pub plan: Option<String>,
}

/// One item of `GET /api/organizations/{org}/members`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The user's id (24 hex).
    #[serde(rename = "_id", default)]
    pub id: Option<String>,
    /// The username.
    pub user: String,
    /// Display name.
    #[serde(default)]
    pub fullname: Option<String>,
    /// Avatar URL.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// Always `user`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// PRO subscription.
    #[serde(default)]
    pub is_pro: Option<bool>,
    /// `admin|write|contributor|read|no_access` or a custom role name; only shown to members.
    #[serde(default)]
    pub role: Option<String>,
    /// The member's resource groups and role in each (send them back to keep them).
    #[serde(default, deserialize_with = "null_as_default")]
    pub resource_groups: Vec<MemberResourceGroup>,
    /// Two-factor authentication enabled.
    #[serde(default)]
    pub two_fa_enabled: Option<bool>,
    /// SSO email (Team/Enterprise, admins only).
    #[serde(default)]
    pub verified_email: Option<String>,
    /// External collaborator rather than a full member.
    #[serde(default)]
    pub is_external_collaborator: Option<bool>,
}

/// A member's assignment to one resource group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberResourceGroup {
    /// Resource group id (24 hex).
    pub id: String,
    /// Resource group name.
    #[serde(default)]
    pub name: Option<String>,
    /// Members in the group.
    #[serde(default)]
    pub num_users: Option<u64>,
    /// The member's role in the group.
    pub role: String,
}

/// A resource group assignment as sent to the member-role endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceGroupRole {
    /// Resource group id (24 hex).
    pub id: String,
    /// `read`, `contributor`, `write` or `admin`.
    pub role: String,
}

impl From<&MemberResourceGroup> for ResourceGroupRole {
    fn from(group: &MemberResourceGroup) -> Self {
        Self {
            id: group.id.clone(),
            role: group.role.clone(),
        }
    }
}

impl Member {
    /// The member's current resource groups, ready to send back unchanged.
    pub fn resource_group_roles(&self) -> Vec<ResourceGroupRole> {
        self.resource_groups
            .iter()
            .map(ResourceGroupRole::from)
            .collect()
    }
}

/// One item of `GET /api/organizations/{org}/resource-groups`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroup {
    /// Resource group id (24 hex).
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Auto-join settings, as sent.
    #[serde(default)]
    pub auto_join: Option<serde_json::Value>,
    /// Users in the group.
    #[serde(default, deserialize_with = "null_as_default")]
    pub users: Vec<ResourceGroupUser>,
    /// Repos in the group.
    #[serde(default, deserialize_with = "null_as_default")]
    pub repos: Vec<ResourceGroupRepo>,
}

/// A user in a resource group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroupUser {
    /// User id.
    #[serde(rename = "_id", default)]
    pub id: Option<String>,
    /// Username.
    #[serde(alias = "user")]
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub fullname: Option<String>,
    /// Role in the group.
    #[serde(default)]
    pub role: Option<String>,
}

/// A repo in a resource group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroupRepo {
    /// Repo id, `namespace/name`.
    pub name: String,
    /// `model`, `dataset` or `space`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Private repo.
    #[serde(default)]
    pub private: Option<bool>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_member_with_unknown_fields_and_a_custom_role_decodes() {
        let member: Member = serde_json::from_value(json!({
            "_id": "5f0c00000000000000000001", "user": "alice", "fullname": "Alice A.",
            "type": "user", "isPro": false, "role": "release-manager", "futureField": {"x": 1},
            "resourceGroups": [{"id": "66980ecf0000000000000000", "name": "research", "numUsers": 12, "role": "write"}],
            "twoFaEnabled": true, "verifiedEmail": null
        }))
        .expect("member");
        assert_eq!(member.role.as_deref(), Some("release-manager"));
        assert_eq!(
            member.resource_group_roles(),
            [ResourceGroupRole {
                id: "66980ecf0000000000000000".into(),
                role: "write".into()
            }]
        );
        assert_eq!(member.verified_email, None);
    }

    #[test]
    fn a_bare_member_decodes_with_nothing_but_a_username() {
        let member: Member =
            serde_json::from_value(json!({"user": "bob", "resourceGroups": null})).expect("member");
        assert_eq!(member.user, "bob");
        assert_eq!(member.role, None);
        assert!(member.resource_groups.is_empty());
    }
}
