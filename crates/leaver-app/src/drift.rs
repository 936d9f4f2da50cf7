//! Drift as the pages and the API show it: each link between a completed case whose leaver
//! held something again and the follow-up case that takes it away, with both external ids.

use crate::{Leaver, Result};
use leaver_core::CaseId;
use leaver_store::{DriftLink, DriftLinks, Store};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// How many drift links the dashboard shows.
const LISTED: u32 = 20;

/// A case named by id and external id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRef {
    pub id: CaseId,
    pub external_id: String,
}

/// One drift: what came back to `original`'s leaver and the case taking it away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DriftView {
    pub original: CaseRef,
    pub follow_up: CaseRef,
    pub found: Vec<String>,
    pub detected_at: OffsetDateTime,
}

impl Leaver {
    /// The most recent drift, newest first.
    pub async fn recent_drift(&self) -> Result<Vec<DriftView>> {
        let links = self.store.recent_drift(LISTED).await?;
        self.drift_views(links).await
    }

    /// The drift `case` is linked to, as original or as follow-up, newest first.
    pub async fn drift_of(&self, case: CaseId) -> Result<Vec<DriftView>> {
        let links = self.store.drift_of(case).await?;
        self.drift_views(links).await
    }

    async fn drift_views(&self, links: Vec<DriftLink>) -> Result<Vec<DriftView>> {
        let ids: Vec<CaseId> = links
            .iter()
            .flat_map(|l| [l.original, l.follow_up])
            .collect();
        let external_ids: BTreeMap<CaseId, String> = self
            .store
            .cases(&ids)
            .await?
            .into_iter()
            .filter_map(|(id, case)| Some((id, case.ok()?.external_id.to_string())))
            .collect();
        let named = |id: CaseId| CaseRef {
            id,
            external_id: external_ids
                .get(&id)
                .cloned()
                .unwrap_or_else(|| id.to_string()),
        };
        Ok(links
            .into_iter()
            .map(|l| DriftView {
                original: named(l.original),
                follow_up: named(l.follow_up),
                found: l.found,
                detected_at: l.detected_at,
            })
            .collect())
    }
}
