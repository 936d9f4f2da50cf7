//! SCIM 2.0 Users on either base (`scim/v2` managed, `scim-provisioning/v2` basic).
//!
//! SCIM pages by index (`startIndex`, 1-based, and `count`), not by `Link` header.

use reqwest::Method;
use serde_json::json;
use url::Url;

use crate::client::{Call, HubClient};
use crate::error::{HubError, HubErrorKind};
use crate::types::{ScimBase, ScimListResponse, ScimUser};

/// Users asked for per page (the Hub's maximum).
const PAGE_SIZE: u64 = 1000;

impl HubClient {
    /// `GET .../Users`: every SCIM user of `org` (all pages), optionally filtered, e.g.
    /// `userName eq "bob"` (the Hub supports only `eq` on `id`, `userName`, `emails`,
    /// `externalId`). Includes deactivated users.
    pub async fn scim_users(
        &self,
        org: &str,
        base: ScimBase,
        filter: Option<&str>,
    ) -> Result<Vec<ScimUser>, HubError> {
        let mut users = Vec::new();
        let mut start: u64 = 1;
        loop {
            let mut url = self.scim_users_url(org, base, None);
            {
                let mut query = url.query_pairs_mut();
                query.append_pair("startIndex", &start.to_string());
                query.append_pair("count", &PAGE_SIZE.to_string());
                if let Some(filter) = filter {
                    query.append_pair("filter", filter);
                }
            }
            let path = url.path().to_owned();
            let page: ScimListResponse<ScimUser> = self.get_json(url).await?;
            if page.start_index.is_some_and(|s| s != start) {
                return Err(HubError::new(
                    HubErrorKind::Decode,
                    format!("asked for startIndex {start}, got {:?}", page.start_index),
                )
                .with_context(format!("GET {path}")));
            }
            let count = page.resources.len() as u64;
            users.extend(page.resources);
            if count == 0 || users.len() as u64 >= page.total_results {
                return Ok(users);
            }
            start += count;
        }
    }

    /// The SCIM user whose `userName` is `username` (case-insensitive), if provisioned.
    pub async fn scim_find_user(
        &self,
        org: &str,
        base: ScimBase,
        username: &str,
    ) -> Result<Option<ScimUser>, HubError> {
        let filter = format!("userName eq \"{}\"", username.replace('"', "\\\""));
        let users = self.scim_users(org, base, Some(&filter)).await?;
        Ok(users
            .into_iter()
            .find(|u| u.user_name.eq_ignore_ascii_case(username)))
    }

    /// `GET .../Users/{id}`: one SCIM user.
    pub async fn scim_user(
        &self,
        org: &str,
        base: ScimBase,
        id: &str,
    ) -> Result<ScimUser, HubError> {
        self.get_json(self.scim_users_url(org, base, Some(id)))
            .await
    }

    /// `PATCH .../Users/{id}` replacing `active` with `false`. Managed base: the user leaves
    /// the org, the account is kept (reversible). Basic base: membership or invitation is
    /// deactivated. Returns the updated user.
    pub async fn scim_deactivate(
        &self,
        org: &str,
        base: ScimBase,
        id: &str,
    ) -> Result<ScimUser, HubError> {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": false}],
        });
        let url = self.scim_users_url(org, base, Some(id));
        self.send(&Call::new(Method::PATCH, url).json(body))
            .await?
            .json()
    }

    /// `DELETE .../Users/{id}`. **Managed base: deletes the Hub account and everything it
    /// created, irreversibly.** Basic base: removes the user from the org and all its resource
    /// groups and deletes pending invitations; the account is untouched.
    pub async fn scim_delete(&self, org: &str, base: ScimBase, id: &str) -> Result<(), HubError> {
        let url = self.scim_users_url(org, base, Some(id));
        self.send(&Call::new(Method::DELETE, url)).await.map(drop)
    }

    fn scim_users_url(&self, org: &str, base: ScimBase, id: Option<&str>) -> Url {
        let [first, second] = base.path_segments();
        let mut segments = vec!["api", "organizations", org, first, second, "Users"];
        segments.extend(id);
        self.endpoint(&segments)
    }
}
