//! Organization-level reads: overview, resource groups, repositories, audit log.

use crate::client::HubClient;
use crate::error::HubError;
use crate::types::{AuditEvent, OrgOverview, OrgRepository, ResourceGroup};

impl HubClient {
    /// `GET /api/organizations/{org}/overview`: name, counts and `plan` (404 if unknown).
    pub async fn org_overview(&self, org: &str) -> Result<OrgOverview, HubError> {
        self.get_json(self.endpoint(&["api", "organizations", org, "overview"]))
            .await
    }

    /// `GET /api/organizations/{org}/resource-groups`: the groups the caller can manage.
    pub async fn resource_groups(&self, org: &str) -> Result<Vec<ResourceGroup>, HubError> {
        self.get_all(self.endpoint(&["api", "organizations", org, "resource-groups"]))
            .await
    }

    /// `GET /api/organizations/{org}/settings/repositories`: every repo of the org, private
    /// ones included, with visibility (all pages).
    pub async fn org_repositories(&self, org: &str) -> Result<Vec<OrgRepository>, HubError> {
        let url = self.endpoint(&["api", "organizations", org, "settings", "repositories"]);
        self.get_all(url).await
    }

    /// `GET /api/organizations/{org}/audit-log/export?q=...` (Team & Enterprise): up to the
    /// last 100,000 events matching `q` (e.g. `type:org.remove_user`, `author:bob`).
    pub async fn audit_log(&self, org: &str, q: Option<&str>) -> Result<Vec<AuditEvent>, HubError> {
        let mut url = self.endpoint(&["api", "organizations", org, "audit-log", "export"]);
        if let Some(q) = q {
            url.query_pairs_mut().append_pair("q", q);
        }
        self.get_json(url).await
    }
}
