//! The shared index of the managed orgs: read once, used by every case planned while it is
//! fresh, so planning N leavers costs each org's reads once, not N times.

use crate::discovery::read_org;
use leaver_core::plan::OrgFacts;
use leaver_hub::{HubClient, HubError, WhoAmI};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::Mutex;

/// What was read, and when.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub me: WhoAmI,
    pub orgs: Vec<OrgFacts>,
    pub read_at: OffsetDateTime,
}

/// The index. Concurrent callers wait for one refresh and share its result.
#[derive(Debug)]
pub struct OrgIndex {
    hub: HubClient,
    orgs: Vec<String>,
    ttl: Duration,
    current: Mutex<Option<Arc<Snapshot>>>,
}

impl OrgIndex {
    pub fn new(hub: HubClient, orgs: Vec<String>, ttl: Duration) -> OrgIndex {
        OrgIndex {
            hub,
            orgs,
            ttl,
            current: Mutex::new(None),
        }
    }

    /// The snapshot, read again from the Hub if it is older than the TTL at `now`.
    pub async fn snapshot(&self, now: OffsetDateTime) -> Result<Arc<Snapshot>, HubError> {
        let mut current = self.current.lock().await;
        if let Some(snapshot) = current.as_ref()
            && now - snapshot.read_at < self.ttl
        {
            return Ok(snapshot.clone());
        }
        let me = self.hub.whoami().await?;
        let mut orgs = Vec::with_capacity(self.orgs.len());
        for org in &self.orgs {
            orgs.push(read_org(&self.hub, org, &me).await?);
        }
        tracing::debug!(orgs = orgs.len(), "org index refreshed");
        let snapshot = Arc::new(Snapshot {
            me,
            orgs,
            read_at: now,
        });
        *current = Some(snapshot.clone());
        Ok(snapshot)
    }

    /// The last snapshot read, however old, without reading the Hub (for status pages).
    pub async fn latest(&self) -> Option<Arc<Snapshot>> {
        self.current.lock().await.clone()
    }

    /// Forgets the snapshot, so the next caller reads the Hub again.
    pub async fn invalidate(&self) {
        *self.current.lock().await = None;
    }
}
