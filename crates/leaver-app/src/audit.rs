//! The audit trail: is the hash chain intact, and its newest records.

use crate::{Leaver, Result};
use leaver_core::audit::AuditRecord;
use leaver_store::{AuditReport, ChainCheck, ReportStore, Store};

impl Leaver {
    /// Walks the whole chain from the first record. A break also resets the pages'
    /// verified-up-to mark, so that they report it too, even when it lies before the mark.
    pub async fn verify_audit(&self) -> Result<AuditReport> {
        let report = self.store.verify_audit().await?;
        if report.broken.is_some() {
            self.store.reset_audit_mark(self.now()).await?;
        }
        Ok(report)
    }

    /// The chain checked from the verified-up-to mark on (see `leaver_store`'s `audit::mark`).
    pub async fn audit_chain(&self) -> Result<ChainCheck> {
        Ok(self.store.verify_audit_since_mark(self.now()).await?)
    }

    /// The newest `limit` audit records, newest first.
    pub async fn recent_audit(&self, limit: u32) -> Result<Vec<AuditRecord>> {
        Ok(self.store.recent_audit(limit).await?)
    }
}
