//! Who the token belongs to, and users' public profiles.

use crate::client::HubClient;
use crate::error::HubError;
use crate::types::{UserOverview, WhoAmI};

impl HubClient {
    /// `GET /api/whoami-v2`: the token's owner, their orgs and role in each.
    ///
    /// The Hub rate-limits this endpoint much more strictly than others: call it once and
    /// keep the answer.
    pub async fn whoami(&self) -> Result<WhoAmI, HubError> {
        self.get_json(self.endpoint(&["api", "whoami-v2"])).await
    }

    /// `GET /api/users/{user}/overview`: a user's public profile (404 if unknown).
    pub async fn user_overview(&self, user: &str) -> Result<UserOverview, HubError> {
        self.get_json(self.endpoint(&["api", "users", user, "overview"]))
            .await
    }
}
