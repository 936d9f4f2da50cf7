//! Hub reads that the jobs of one batch share: an org's member list, a gated repo's access
//! list, an org's audit log. The first job to need one reads it; the others that need it wait
//! for that read and use its answer. A quota of a few thousand calls per five minutes is what
//! bounds an offboarding run on the real Hub, so a batch of 64 steps in one org should cost one
//! member list, not 64 searches.
//!
//! Every read here is taken after the batch was claimed, so it sees what earlier batches did.
//! A step's read-back after its own write is shared too, but only with reads started after that
//! write was answered ([`crate::read_backs`]).

use leaver_hub::purpose::for_purpose;
use leaver_hub::{AccessRequest, AccessStatus, AuditEvent, HubClient, HubError, Member, RepoType};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OnceCell;

use crate::read_backs::{ReadBack, Writing, Written};

/// What read-backs count as (`leaver_hub::purpose`).
const READ_BACK: &str = "read-back";

/// A gated repo's list of requests in one status.
type AccessList = (RepoType, String, AccessStatus);

/// The reads of one batch.
#[derive(Debug)]
pub(crate) struct SharedReads {
    hub: HubClient,
    members: Memo<String, Vec<Member>>,
    access: Memo<AccessList, Vec<AccessRequest>>,
    audit: Memo<(String, Option<String>), Vec<AuditEvent>>,
    members_back: ReadBack<String, Vec<Member>>,
    access_back: ReadBack<AccessList, Vec<AccessRequest>>,
}

impl SharedReads {
    pub(crate) fn new(hub: HubClient) -> SharedReads {
        SharedReads {
            hub,
            members: Memo::default(),
            access: Memo::default(),
            audit: Memo::default(),
            members_back: ReadBack::default(),
            access_back: ReadBack::default(),
        }
    }

    /// Marks a write to `org`'s member list as sent; hold it until the Hub answers.
    pub(crate) fn writing_members(&self, org: &str) -> Writing<'_, String, Vec<Member>> {
        self.members_back.writing(org.to_owned())
    }

    /// `user` as a member of `org`, read back after the `written` write (and every other one
    /// of the batch on that list in flight meanwhile).
    pub(crate) async fn member_after(
        &self,
        org: &str,
        user: &str,
        written: Written,
    ) -> Result<Option<Member>, HubError> {
        let members = self
            .members_back
            .after(org.to_owned(), written, || {
                for_purpose(READ_BACK, self.hub.org_members(org))
            })
            .await?;
        Ok(find_member(&members, user))
    }

    /// Marks a write that moves a request into `status` on a gated repo as sent.
    pub(crate) fn writing_access(
        &self,
        repo_type: RepoType,
        repo_id: &str,
        status: AccessStatus,
    ) -> Writing<'_, AccessList, Vec<AccessRequest>> {
        self.access_back
            .writing((repo_type, repo_id.to_owned(), status))
    }

    /// Whether `user` is in a gated repo's `status` list, read back after the `written` write.
    pub(crate) async fn has_request_after(
        &self,
        repo_type: RepoType,
        repo_id: &str,
        status: AccessStatus,
        user: &str,
        written: Written,
    ) -> Result<bool, HubError> {
        let key = (repo_type, repo_id.to_owned(), status);
        let requests = self
            .access_back
            .after(key, written, || {
                for_purpose(
                    READ_BACK,
                    self.hub.access_requests(repo_type, repo_id, status),
                )
            })
            .await?;
        Ok(holds(&requests, user))
    }

    /// Every member of `org`.
    pub(crate) async fn members(&self, org: &str) -> Result<Arc<Vec<Member>>, HubError> {
        self.members
            .get(org.to_owned(), || self.hub.org_members(org))
            .await
    }

    /// `user` as a member of `org` (the exact username, case-insensitive), from the org's list.
    pub(crate) async fn member(&self, org: &str, user: &str) -> Result<Option<Member>, HubError> {
        Ok(find_member(&self.members(org).await?, user))
    }

    /// Whether `user` has a request in the `status` list of a gated repo.
    pub(crate) async fn has_request(
        &self,
        repo_type: RepoType,
        repo_id: &str,
        status: AccessStatus,
        user: &str,
    ) -> Result<bool, HubError> {
        let key = (repo_type, repo_id.to_owned(), status);
        let requests = self
            .access
            .get(key, || self.hub.access_requests(repo_type, repo_id, status))
            .await?;
        Ok(holds(&requests, user))
    }

    /// The org's audit-log export for the search `q`.
    pub(crate) async fn audit_log(
        &self,
        org: &str,
        q: Option<&str>,
    ) -> Result<Arc<Vec<AuditEvent>>, HubError> {
        let key = (org.to_owned(), q.map(str::to_owned));
        self.audit.get(key, || self.hub.audit_log(org, q)).await
    }
}

/// `user` in `members` (the exact username, case-insensitive).
fn find_member(members: &[Member], user: &str) -> Option<Member> {
    members
        .iter()
        .find(|m| m.user.eq_ignore_ascii_case(user))
        .cloned()
}

/// Whether `user` made one of `requests`.
pub(crate) fn holds(requests: &[AccessRequest], user: &str) -> bool {
    requests
        .iter()
        .any(|r| r.user.as_ref().is_some_and(|u| u.user == user))
}

/// One answer per key, read once by whoever asks first. A failed read is not kept: the next
/// caller reads again.
#[derive(Debug)]
struct Memo<K, V>(Mutex<HashMap<K, Arc<OnceCell<Arc<V>>>>>);

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash, V> Memo<K, V> {
    async fn get<F, Fut>(&self, key: K, read: F) -> Result<Arc<V>, HubError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, HubError>>,
    {
        let cell = {
            let mut cells = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            cells.entry(key).or_default().clone()
        };
        cell.get_or_try_init(|| async { read().await.map(Arc::new) })
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaver_hub::HubErrorKind;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_askers_share_one_read() {
        let memo: Arc<Memo<&str, usize>> = Arc::default();
        let reads = Arc::new(AtomicUsize::new(0));
        let askers: Vec<_> = (0..8)
            .map(|_| {
                let (memo, reads) = (memo.clone(), reads.clone());
                tokio::spawn(async move {
                    memo.get("acme", || async {
                        tokio::task::yield_now().await;
                        Ok(reads.fetch_add(1, Ordering::SeqCst) + 41)
                    })
                    .await
                })
            })
            .collect();
        for asker in askers {
            assert_eq!(*asker.await.expect("task").expect("read"), 41);
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept() {
        let memo: Memo<&str, usize> = Memo::default();
        let failed = memo
            .get("acme", || async {
                Err(HubError::new(HubErrorKind::Network, "connection reset"))
            })
            .await;
        assert!(failed.is_err());
        let again = memo.get("acme", || async { Ok(7) }).await;
        assert_eq!(*again.expect("read again"), 7);
    }
}
