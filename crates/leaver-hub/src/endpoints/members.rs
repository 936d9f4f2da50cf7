//! Org members: list, find one, change a role, remove.

use reqwest::Method;
use serde_json::json;

use crate::client::{Call, HubClient};
use crate::error::HubError;
use crate::types::{Member, ResourceGroupRole};

impl HubClient {
    /// `GET /api/organizations/{org}/members`: every member (all pages).
    ///
    /// `role` is only present when the caller is a member of the org.
    pub async fn org_members(&self, org: &str) -> Result<Vec<Member>, HubError> {
        self.get_all(self.members_url(org)).await
    }

    /// One member by username, via the list's `search` filter; `None` if not a member.
    ///
    /// The search is a substring match on the Hub, so the exact username (case-insensitive)
    /// is picked from the results.
    pub async fn find_member(&self, org: &str, username: &str) -> Result<Option<Member>, HubError> {
        let mut url = self.members_url(org);
        url.query_pairs_mut().append_pair("search", username);
        let members: Vec<Member> = self.get_all(url).await?;
        Ok(members
            .into_iter()
            .find(|m| m.user.eq_ignore_ascii_case(username)))
    }

    /// `PUT /api/organizations/{org}/members/{user}/role`: set `role` (a built-in role or a
    /// custom role name) and the member's resource groups.
    ///
    /// **Replace-all semantics:** `resource_groups` becomes the member's complete list of
    /// resource groups. An empty slice removes the member from every resource group. To change
    /// only the org role, pass the member's current groups back
    /// ([`Member::resource_group_roles`]). Needs a paid plan (402 otherwise) and write/admin
    /// rights (403).
    pub async fn set_member_role(
        &self,
        org: &str,
        user: &str,
        role: &str,
        resource_groups: &[ResourceGroupRole],
    ) -> Result<(), HubError> {
        let mut url = self.members_url(org);
        if let Ok(mut path) = url.path_segments_mut() {
            path.extend([user, "role"]);
        }
        let body = json!({ "role": role, "resourceGroups": resource_groups });
        self.send(&Call::new(Method::PUT, url).json(body))
            .await
            .map(drop)
    }

    /// `DELETE /api/organizations/{org}/members/{user}`: remove a member (admin only).
    ///
    /// Only documented informally by the Hub; a 404 means the user is not (or no longer)
    /// a member, which callers may treat as done.
    pub async fn remove_member(&self, org: &str, user: &str) -> Result<(), HubError> {
        let mut url = self.members_url(org);
        if let Ok(mut path) = url.path_segments_mut() {
            path.push(user);
        }
        self.send(&Call::new(Method::DELETE, url)).await.map(drop)
    }

    fn members_url(&self, org: &str) -> url::Url {
        self.endpoint(&["api", "organizations", org, "members"])
    }
}
