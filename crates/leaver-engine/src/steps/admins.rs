//! The one safety rule every member change obeys: an org keeps a human admin.
//!
//! Two admins leaving at once were each planned with the other as the admin who stays, so the
//! check cannot trust the plan, nor run beside another one: an admin's demotion or removal holds
//! its org's lock ([`OrgLocks`]) from the check until its write is read back, and the check reads
//! the member list afresh under it. The lock is taken twice over: the engine's own (one waiter
//! per org in this process), then the store's ([`leaver_store::OrgLocks`]: on Postgres an
//! advisory lock that every replica of `leaver serve` on the database shares, released by the
//! server if this process dies; on SQLite, one process per database, nothing more).

use super::StepContext;
use crate::outcome::StepError;
use leaver_core::plan::is_person_staying;
use leaver_hub::Member;
use leaver_store::{OrgLockGuard, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OwnedMutexGuard;

/// One lock per org for changes to its admins: this process's, then the store's.
#[derive(Debug)]
pub(crate) struct OrgLocks {
    local: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    shared: Arc<dyn Store>,
}

impl OrgLocks {
    pub(crate) fn new(shared: Arc<dyn Store>) -> OrgLocks {
        OrgLocks {
            local: Mutex::default(),
            shared,
        }
    }

    /// Both locks of `org`: the local one first, so that one task per process at most waits
    /// on the database (holding a connection while it waits).
    async fn lock(&self, org: &str) -> Result<Held, StepError> {
        let lock = {
            let mut locks = self.local.lock().unwrap_or_else(PoisonError::into_inner);
            locks.entry(org.to_owned()).or_default().clone()
        };
        let local = lock.lock_owned().await;
        let shared = self.shared.lock_org_admins(org).await?;
        Ok(Held {
            _shared: shared,
            _local: local,
        })
    }
}

/// Both locks; fields drop in order, the shared lock first.
struct Held {
    _shared: OrgLockGuard,
    _local: OwnedMutexGuard<()>,
}

/// Held while an admin is demoted or removed; the next admin change in the org waits for it.
#[must_use = "hold it until the change is read back"]
pub(crate) struct AdminChange {
    _held: Option<Held>,
}

/// Admins who are people: not the leaver, not Leaver's own account, not a service account.
pub(crate) fn other_human_admins<'m>(cx: &StepContext<'_>, members: &'m [Member]) -> Vec<&'m str> {
    members
        .iter()
        .filter(|m| m.role.as_deref() == Some("admin"))
        .map(|m| m.user.as_str())
        .filter(|user| {
            is_person_staying(user, cx.leaver(), &cx.me.name, &cx.config.service_accounts)
        })
        .collect()
}

/// Refuses to demote or remove the leaver if that would leave the org without a human admin,
/// even if the plan thought otherwise (two admins leaving in one batch, say).
pub(crate) async fn guard_last_admin(
    cx: &StepContext<'_>,
    org: &str,
    leaver: &Member,
) -> Result<AdminChange, StepError> {
    if leaver.role.as_deref() != Some("admin") {
        return Ok(AdminChange { _held: None });
    }
    let held = cx.org_locks.lock(org).await?;
    let members = cx.hub.org_members(org).await?;
    if other_human_admins(cx, &members).is_empty() {
        return Err(StepError::Refused(format!(
            "{} is the last human admin of {org}: promote a successor before demoting or removing them",
            cx.leaver()
        )));
    }
    Ok(AdminChange { _held: Some(held) })
}
