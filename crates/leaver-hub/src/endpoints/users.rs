//! Who the token belongs to, and users' public profiles.

use reqwest::Method;
use secrecy::SecretString;

use crate::client::{Call, HubClient};
use crate::error::{HubError, HubErrorKind};
use crate::types::{UserOverview, WhoAmI};

impl HubClient {
    /// `GET /api/whoami-v2`: the token's owner, their orgs and role in each.
    ///
    /// The Hub rate-limits this endpoint much more strictly than others: call it once and
    /// keep the answer.
    pub async fn whoami(&self) -> Result<WhoAmI, HubError> {
        self.get_json(self.endpoint(&["api", "whoami-v2"])).await
    }

    /// `GET /api/whoami-v2` with `token` as the bearer: whose token it is, or `None` when the
    /// Hub answers 401 (the token was revoked or never issued). The client's own rate-limit
    /// budget is not updated from the answer, which speaks of the token owner's.
    pub async fn whoami_of(&self, token: &SecretString) -> Result<Option<WhoAmI>, HubError> {
        let call = Call::new(Method::GET, self.endpoint(&["api", "whoami-v2"])).bearer(token)?;
        match self.send(&call).await {
            Ok(response) => response.json().map(Some),
            Err(e) if e.kind() == HubErrorKind::Unauthorized => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET /api/users/{user}/overview`: a user's public profile (404 if unknown).
    pub async fn user_overview(&self, user: &str) -> Result<UserOverview, HubError> {
        self.get_json(self.endpoint(&["api", "users", user, "overview"]))
            .await
    }
}
