//! The one safety rule every member change obeys: an org keeps a human admin.
//!
//! Two admins leaving at once were each planned with the other as the admin who stays, so the
//! check cannot trust the plan, nor run beside another one: an admin's demotion or removal holds
//! its org's lock ([`OrgLocks`]) from the check until its write is read back, and the check reads
//! the member list afresh under it. The lock is the engine's: replicas of `leaver serve` sharing
//! one database are not serialized by it.

use super::StepContext;
use crate::outcome::StepError;
use leaver_core::plan::is_person_staying;
use leaver_hub::Member;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OwnedMutexGuard;

/// One lock per org for changes to its admins.
#[derive(Debug, Default)]
pub(crate) struct OrgLocks(Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl OrgLocks {
    async fn lock(&self, org: &str) -> OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            locks.entry(org.to_owned()).or_default().clone()
        };
        lock.lock_owned().await
    }
}

/// Held while an admin is demoted or removed; the next admin change in the org waits for it.
#[must_use = "hold it until the change is read back"]
pub(crate) struct AdminChange {
    _held: Option<OwnedMutexGuard<()>>,
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
    let held = cx.org_locks.lock(org).await;
    let members = cx.hub.org_members(org).await?;
    if other_human_admins(cx, &members).is_empty() {
        return Err(StepError::Refused(format!(
            "{} is the last human admin of {org}: promote a successor before demoting or removing them",
            cx.leaver()
        )));
    }
    Ok(AdminChange { _held: Some(held) })
}
