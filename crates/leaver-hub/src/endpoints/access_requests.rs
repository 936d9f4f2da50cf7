//! Gated-repo access requests: list, change status, grant.

use reqwest::Method;
use serde_json::json;
use url::Url;

use crate::client::{Call, HubClient};
use crate::error::HubError;
use crate::types::{AccessRequest, AccessStatus, RepoType};

impl HubClient {
    /// `GET /api/{type}s/{repo_id}/user-access-request/{status}`: every request in that
    /// list (all pages). 400 if the repo is not gated, 403 without write rights.
    pub async fn access_requests(
        &self,
        repo_type: RepoType,
        repo_id: &str,
        status: AccessStatus,
    ) -> Result<Vec<AccessRequest>, HubError> {
        self.get_all(self.access_request_url(repo_type, repo_id, status.as_str()))
            .await
    }

    /// `POST .../user-access-request/handle` with `{"user", "status"}`: move `user`'s request
    /// to `status`. `Rejected` revokes for good (the user cannot ask again); `Pending` revokes
    /// softly. 404 if there is no request or it already has that status.
    pub async fn handle_access_request(
        &self,
        repo_type: RepoType,
        repo_id: &str,
        user: &str,
        status: AccessStatus,
    ) -> Result<(), HubError> {
        let url = self.access_request_url(repo_type, repo_id, "handle");
        let body = json!({ "user": user, "status": status });
        self.send(&Call::new(Method::POST, url).json(body))
            .await
            .map(drop)
    }

    /// `POST .../user-access-request/grant` with `{"user"}`: give `user` access without a
    /// request. 400 if the repo is not gated or the user already has access.
    pub async fn grant_access(
        &self,
        repo_type: RepoType,
        repo_id: &str,
        user: &str,
    ) -> Result<(), HubError> {
        let url = self.access_request_url(repo_type, repo_id, "grant");
        let body = json!({ "user": user });
        self.send(&Call::new(Method::POST, url).json(body))
            .await
            .map(drop)
    }

    fn access_request_url(&self, repo_type: RepoType, repo_id: &str, last: &str) -> Url {
        let mut segments = vec!["api", repo_type.url_segment()];
        segments.extend(repo_id.split('/'));
        segments.extend(["user-access-request", last]);
        self.endpoint(&segments)
    }
}
