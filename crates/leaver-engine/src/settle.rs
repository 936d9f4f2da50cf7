//! What a carried-out job comes to, and writing a whole claimed batch of those at once: one
//! transaction for all the outcomes (`Store::record_batch`) instead of one per job, since
//! commits, not Hub calls, bound how fast a database-backed worker can go.

use crate::EngineConfig;
use leaver_store::{Actor, BatchItem, BatchWrite, Job, Store, StoreError};
use time::OffsetDateTime;

/// What to write for one job once it has been carried out. Handlers return it and write
/// nothing themselves.
#[derive(Debug)]
pub(crate) enum Settle {
    /// Write `facts`, then `write`, which finishes the job, all with the rest of the batch.
    /// Facts are what the Hub now shows (held tokens' verdicts): each stands alone, written
    /// even if `write` is refused.
    Write {
        facts: Vec<BatchWrite>,
        write: BatchWrite,
    },
    /// Drop the job: it no longer applies.
    Finish,
    /// Put the job back to run at `at` (a transient failure, a time not yet come).
    Reschedule { at: OffsetDateTime, error: String },
}

impl Settle {
    /// Write `write` and finish the job.
    pub fn write(write: BatchWrite) -> Settle {
        Settle::Write {
            facts: Vec::new(),
            write,
        }
    }
}

/// Writes what a batch of jobs came to, and deals with the items the store refused.
pub(crate) struct Settler<'a> {
    pub store: &'a dyn Store,
    pub config: &'a EngineConfig,
    pub now: OffsetDateTime,
}

impl Settler<'_> {
    /// Writes every `Write` in one transaction; finishes and reschedules the others one by one
    /// (they are rare: stale jobs, transient failures).
    pub async fn settle(&self, done: Vec<(Job, Settle)>) {
        // The job each item finishes, if it finishes one.
        let mut jobs: Vec<Option<Job>> = Vec::with_capacity(done.len());
        let mut items = Vec::with_capacity(done.len());
        for (job, settle) in done {
            match settle {
                Settle::Write { facts, write } => {
                    let case = job.case_id;
                    for fact in facts {
                        items.push(BatchItem {
                            case,
                            lease: None,
                            write: fact,
                        });
                        jobs.push(None);
                    }
                    let lease = Some(job.lease.clone());
                    items.push(BatchItem { case, lease, write });
                    jobs.push(Some(job));
                }
                Settle::Finish => self.finish(&job).await,
                Settle::Reschedule { at, error } => self.reschedule(&job, at, &error).await,
            }
        }
        if items.is_empty() {
            return;
        }
        match self
            .store
            .record_batch(&items, &Actor::engine(), self.now)
            .await
        {
            Ok(results) => {
                for (job, result) in jobs.iter().zip(results) {
                    self.after_write(job.as_ref(), result).await;
                }
            }
            Err(error) => {
                tracing::warn!(%error, items = items.len(), "writing a batch failed; writing its items one by one");
                for (job, item) in jobs.iter().zip(items) {
                    let result = self
                        .store
                        .record_batch(&[item], &Actor::engine(), self.now)
                        .await;
                    let result = result.and_then(|mut results| results.pop().unwrap_or(Ok(())));
                    self.after_write(job.as_ref(), result).await;
                }
            }
        }
    }

    /// Deals with what the store said of one item (`job`: the job it finishes, if any).
    async fn after_write(&self, job: Option<&Job>, result: Result<(), StoreError>) {
        let Err(error) = result else { return };
        let Some(job) = job else {
            tracing::warn!(%error, "recording what the Hub shows failed");
            return;
        };
        match error {
            StoreError::LeaseLost(_) => {
                tracing::info!(case_id = %job.case_id, "lease lost; another worker has the job")
            }
            StoreError::Domain(error) => {
                tracing::info!(case_id = %job.case_id, %error, "job no longer applies");
                self.finish(job).await;
            }
            error => {
                let at = self.now + self.config.backoff(job.attempts);
                self.reschedule(job, at, &error.to_string()).await;
            }
        }
    }

    async fn finish(&self, job: &Job) {
        if let Err(error) = self.store.finish_job(&job.lease).await {
            tracing::info!(case_id = %job.case_id, %error, "finishing a job failed");
        }
    }

    async fn reschedule(&self, job: &Job, at: OffsetDateTime, error: &str) {
        tracing::debug!(case_id = %job.case_id, error, "job rescheduled");
        if let Err(e) = self.store.reschedule_job(&job.lease, at, error).await {
            tracing::info!(case_id = %job.case_id, error = %e, "rescheduling a job failed");
        }
    }
}
