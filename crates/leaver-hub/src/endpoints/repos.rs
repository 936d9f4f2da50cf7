//! Listing repos by author: `GET /api/models|datasets|spaces?author=...`.

use crate::client::HubClient;
use crate::error::HubError;
use crate::types::{RepoInfo, RepoType};

/// Page size asked for (as huggingface.js does); further pages follow the `Link` header.
const PAGE_SIZE: &str = "500";

/// Properties to `expand` per repo type (only these come back, plus `id`). The Hub rejects
/// values a type does not have, and Spaces have no `gated`.
fn expand_for(repo_type: RepoType) -> &'static [&'static str] {
    match repo_type {
        RepoType::Model | RepoType::Dataset => &[
            "author",
            "private",
            "gated",
            "disabled",
            "resourceGroup",
            "lastModified",
        ],
        RepoType::Space => &[
            "author",
            "private",
            "disabled",
            "resourceGroup",
            "lastModified",
        ],
    }
}

impl HubClient {
    /// Every repo of `repo_type` owned by `author` that the token can see (all pages);
    /// with `gated_only`, only gated ones (`gated=true`, models and datasets).
    ///
    /// Asks for `expand=author&expand=private&expand=gated&...` (the plain key repeated) and
    /// 500 repos per page.
    pub async fn list_repos(
        &self,
        repo_type: RepoType,
        author: &str,
        gated_only: bool,
    ) -> Result<Vec<RepoInfo>, HubError> {
        let mut url = self.endpoint(&["api", repo_type.url_segment()]);
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("author", author);
            if gated_only {
                query.append_pair("gated", "true");
            }
            for expand in expand_for(repo_type) {
                query.append_pair("expand", expand);
            }
            query.append_pair("limit", PAGE_SIZE);
        }
        self.get_all(url).await
    }
}
