//! The admin-change lock of an org, shared by every Leaver process on one database.
//!
//! Demoting or removing an admin is safe only if, from the fresh read of the org's admins to
//! the read-back of the write, no other change to that org's admins runs: two admins leaving
//! at once would each see the other stay. Within one process the engine serializes them; the
//! replicas of `leaver serve` sharing a Postgres database take this lock too.
//!
//! On Postgres it is a transaction-level advisory lock (`pg_advisory_xact_lock`) keyed by the
//! org, held in a transaction of its own for as long as the guard lives: dropping the guard
//! rolls the transaction back, which releases it, and if the process dies the server ends its
//! session and the transaction with it, so a crashed replica never keeps an org locked. On
//! SQLite (one process per database file) the guard holds nothing: the engine's own lock is
//! the whole of it.

use crate::{Dialect, SqlStore, Store, StoreError};
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::fmt;

/// Takes the admin-change lock of an org.
#[async_trait]
pub trait OrgLocks: Send + Sync {
    /// Waits for the admin-change lock of `org` among every process sharing this database,
    /// and holds it until the guard is dropped.
    async fn lock_org_admins(&self, org: &str) -> Result<OrgLockGuard, StoreError>;
}

/// Holds an org's admin-change lock; dropping it releases the lock.
#[must_use = "the lock is released when the guard is dropped"]
pub struct OrgLockGuard {
    /// Postgres: the transaction holding the advisory lock (rolled back on drop).
    _held: Option<sqlx::Transaction<'static, sqlx::Any>>,
}

impl fmt::Debug for OrgLockGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrgLockGuard")
            .field("shared", &self._held.is_some())
            .finish()
    }
}

#[async_trait]
impl OrgLocks for SqlStore {
    async fn lock_org_admins(&self, org: &str) -> Result<OrgLockGuard, StoreError> {
        if self.dialect() != Dialect::Postgres {
            return Ok(OrgLockGuard { _held: None });
        }
        let mut held = self.pool().begin().await?;
        // `pg_advisory_xact_lock` returns void, which the Any driver cannot decode: select a
        // constant from it instead.
        sqlx::query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock($1)) AS held")
            .bind(lock_key(org))
            .fetch_one(&mut *held)
            .await?;
        Ok(OrgLockGuard { _held: Some(held) })
    }
}

/// The advisory lock's key: the first 8 bytes of SHA-256 over a prefix of ours and the org's
/// name, so that it is the same in every process and unlikely to meet another use of advisory
/// locks in the same database.
fn lock_key(org: &str) -> i64 {
    let digest = Sha256::digest(format!("leaver:org-admins:{org}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_process_keys_an_org_alike_and_orgs_apart() {
        assert_eq!(lock_key("acme-ai"), lock_key("acme-ai"));
        assert_ne!(lock_key("acme-ai"), lock_key("beta-lab"));
    }
}
