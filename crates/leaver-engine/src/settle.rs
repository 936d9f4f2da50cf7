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
    /// Facts are what the Hub now shows (held tokens' verdicts, a verify's footprint pass):
    /// each stands alone, written even if `write` is refused; `write` never stands without
    /// them (see `Settler::settle_apart`).
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
        // Each job that writes, with how many items it has: its facts, then its write (last).
        let mut jobs: Vec<(Job, usize)> = Vec::with_capacity(done.len());
        let mut items = Vec::with_capacity(done.len());
        for (job, settle) in done {
            match settle {
                Settle::Write { facts, write } => {
                    let case = job.case_id;
                    let count = facts.len() + 1;
                    items.extend(facts.into_iter().map(|fact| BatchItem {
                        case,
                        lease: None,
                        write: fact,
                    }));
                    let lease = Some(job.lease.clone());
                    items.push(BatchItem { case, lease, write });
                    jobs.push((job, count));
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
                let mut results = results.into_iter();
                for (job, count) in &jobs {
                    for n in 1..=*count {
                        let result = results.next().unwrap_or(Ok(()));
                        // Only the last item, the write, finishes the job.
                        self.after_write((n == *count).then_some(job), result).await;
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, items = items.len(), "writing a batch failed; writing each job's items apart");
                let mut items = items.into_iter();
                for (job, count) in jobs {
                    let own: Vec<BatchItem> = items.by_ref().take(count).collect();
                    self.settle_apart(&job, own).await;
                }
            }
        }
    }

    /// Writes one job's items (its facts, then its write) in a transaction of their own. When
    /// that fails, the facts are written alone (what the Hub shows stands) and the write is not:
    /// it may rest on a fact (a verify's evidence names the pass it kept), so the job runs again.
    async fn settle_apart(&self, job: &Job, items: Vec<BatchItem>) {
        let together = self
            .store
            .record_batch(&items, &Actor::engine(), self.now)
            .await;
        match together {
            Ok(results) => {
                let count = results.len();
                for (n, result) in results.into_iter().enumerate() {
                    self.after_write((n + 1 == count).then_some(job), result)
                        .await;
                }
            }
            Err(error) => {
                let facts = &items[..items.len().saturating_sub(1)];
                for fact in facts {
                    let result = self
                        .store
                        .record_batch(std::slice::from_ref(fact), &Actor::engine(), self.now)
                        .await;
                    let result = result.and_then(|mut results| results.pop().unwrap_or(Ok(())));
                    self.after_write(None, result).await;
                }
                self.after_write(Some(job), Err(error)).await;
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
