//! Whole-org reads for `refresh` and `verify`, fresh enough by construction and shared as widely
//! as that allows. A read of an org (members, SCIM invitations, every gated repo's accepted and
//! pending lists; see [`read_org`]) serves a job when it started after the job's moment: after
//! the job became due (when its case was approved, `effective_at` came or an operator said run
//! now, for `refresh`; when its case's last write was recorded, for `verify`: see
//! `leaver_store::Job::due_since`), or after the job's batch was claimed. So the refreshes of
//! every case approved together share one read, whichever batches and workers they fall in,
//! while a read taken before a job's moment never serves it. The org index's snapshot is never
//! used here.
//!
//! One read per org is kept, and one is under way at a time: a job the latest read cannot serve
//! waits for the read under way to end, then starts the next one, which every job that came
//! meanwhile shares. Under the Hub's quota an org's read takes seconds, and cases finish one
//! after another all the while: reading as soon as each asks would make a pass per few cases,
//! where waiting for the pass under way makes one for all of them (`cargo bench -p
//! leaver-engine --bench layoff`). Stored times have a millisecond's grain, so a read serves a
//! job only if
//! it started at least a millisecond after the job's moment as stored; under a clock that does
//! not move (tests), only reads started after the batch's claim serve it. Replicas' clocks are
//! assumed to agree, as for `effective_at` and leases.

use crate::Clock;
use crate::discovery::read_org;
use leaver_core::plan::{AccessStatus, OrgFacts};
use leaver_hub::{HubClient, HubError, WhoAmI};
use leaver_store::FootprintRead;
use leaver_store::footprint_reads::digest;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use time::{Duration, OffsetDateTime};
use tokio::sync::OnceCell;
use uuid::Uuid;

/// The grain of stored times.
const GRAIN: Duration = Duration::milliseconds(1);

/// The last read of each managed org.
#[derive(Debug)]
pub(crate) struct FreshReads {
    hub: HubClient,
    clock: Arc<dyn Clock>,
    reads: Mutex<Reads>,
}

#[derive(Debug, Default)]
struct Reads {
    by_org: HashMap<String, Arc<Read>>,
    /// Held by the job starting and doing an org's read, so one is under way at a time.
    under_way: HashMap<String, Arc<tokio::sync::Mutex<()>>>,
    /// How many reads were started so far: a read's number orders it against batch claims.
    started: u64,
}

/// One read of one org, started at a known time, done once by whoever asks first.
#[derive(Debug)]
struct Read {
    number: u64,
    /// A UUIDv7: the read's name in the evidence of every case it serves.
    id: String,
    started_at: OffsetDateTime,
    facts: OnceCell<Arc<FreshOrg>>,
}

/// An org as one whole-org read found it, with that read's record to keep: its id and its
/// snapshot (the members, invitations and every gated repo's accepted and pending counts), which
/// the cases it serves name instead of carrying a copy each.
#[derive(Debug)]
pub(crate) struct FreshOrg {
    pub facts: OrgFacts,
    pub read: FootprintRead,
    /// The SHA-256 of `read.snapshot`, taken once for every case that names the read.
    pub digest: String,
}

impl FreshOrg {
    fn new(facts: OrgFacts, id: String, started_at: OffsetDateTime) -> FreshOrg {
        let gated: serde_json::Map<String, Value> = facts
            .gated_repos
            .iter()
            .map(|repo| {
                let count = |status| repo.holders.values().filter(|s| **s == status).count();
                let name = format!("{}:{}", repo.repo_type.as_str(), repo.id);
                let counts = [count(AccessStatus::Accepted), count(AccessStatus::Pending)];
                (name, json!(counts))
            })
            .collect();
        let snapshot = json!({
            "org": facts.name,
            "members": facts.members.len(),
            // null: the Hub shows this org's invitations to nobody (only Basic-SSO SCIM does).
            "invitations": facts.invitations.as_ref().map(Vec::len),
            "gated": gated,
        });
        let read = FootprintRead {
            id,
            org: facts.name.clone(),
            started_at,
            snapshot: snapshot.to_string(),
        };
        let digest = digest(&read.snapshot);
        FreshOrg {
            facts,
            read,
            digest,
        }
    }
}

/// How fresh a job's reads must be.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Freshness {
    /// The job's moment: when it became due.
    pub since: OffsetDateTime,
    /// [`FreshReads::mark`] when the job's batch was claimed.
    pub claimed: u64,
}

impl FreshReads {
    pub(crate) fn new(hub: HubClient, clock: Arc<dyn Clock>) -> FreshReads {
        FreshReads {
            hub,
            clock,
            reads: Mutex::default(),
        }
    }

    /// A mark to take once a batch is claimed: reads started after it serve the batch's jobs.
    pub(crate) fn mark(&self) -> u64 {
        self.lock().started
    }

    /// `org` as read fresh enough for a job of `freshness` (`me` is Leaver's own account).
    pub(crate) async fn org(
        &self,
        org: &str,
        me: &WhoAmI,
        freshness: Freshness,
    ) -> Result<Arc<FreshOrg>, HubError> {
        if let Some(read) = self.serving(org, freshness) {
            return self.answer(&read, org, me).await;
        }
        let under_way = self
            .lock()
            .under_way
            .entry(org.to_owned())
            .or_default()
            .clone();
        let _turn = under_way.lock().await;
        // The read that was under way may have started after this job's moment.
        if let Some(read) = self.serving(org, freshness) {
            return self.answer(&read, org, me).await;
        }
        let read = {
            let mut reads = self.lock();
            let read = Arc::new(Read {
                number: reads.started,
                id: Uuid::now_v7().to_string(),
                started_at: self.clock.now(),
                facts: OnceCell::new(),
            });
            reads.started += 1;
            reads.by_org.insert(org.to_owned(), read.clone());
            read
        };
        self.answer(&read, org, me).await
    }

    /// The latest read of `org`, if it serves a job of `freshness`.
    fn serving(&self, org: &str, freshness: Freshness) -> Option<Arc<Read>> {
        self.lock()
            .by_org
            .get(org)
            .filter(|read| read.serves(freshness))
            .cloned()
    }

    /// What `read` found, reading it if nobody has yet. A failed read is not kept: the next
    /// asker reads again, later still.
    async fn answer(&self, read: &Read, org: &str, me: &WhoAmI) -> Result<Arc<FreshOrg>, HubError> {
        read.facts
            .get_or_try_init(|| async {
                let facts = read_org(&self.hub, org, me).await?;
                Ok(Arc::new(FreshOrg::new(
                    facts,
                    read.id.clone(),
                    read.started_at,
                )))
            })
            .await
            .cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Reads> {
        self.reads.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Read {
    fn serves(&self, freshness: Freshness) -> bool {
        self.number >= freshness.claimed || self.started_at >= freshness.since + GRAIN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T: OffsetDateTime = datetime!(2026-12-01 10:00 UTC);

    fn read(number: u64, started_at: OffsetDateTime) -> Read {
        Read {
            number,
            id: String::new(),
            started_at,
            facts: OnceCell::new(),
        }
    }

    #[test]
    fn a_read_serves_a_job_only_if_it_started_after_the_job_was_due_or_its_batch_was_claimed() {
        let due = |since, claimed| Freshness { since, claimed };
        // Started after the job became due (by at least the stored times' grain).
        assert!(read(0, T + Duration::seconds(1)).serves(due(T, 5)));
        assert!(read(0, T + GRAIN).serves(due(T, 5)));
        // Started before, or within the same millisecond as stored.
        assert!(!read(0, T - Duration::seconds(1)).serves(due(T, 5)));
        assert!(!read(0, T + Duration::microseconds(400)).serves(due(T, 5)));
        // Started after the batch was claimed, whatever the clock says (a clock that stands).
        assert!(read(5, T).serves(due(T, 5)));
        assert!(!read(4, T).serves(due(T, 5)));
    }
}
