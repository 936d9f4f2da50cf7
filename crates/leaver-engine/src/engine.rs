//! The engine: the worker loops. Each claims a batch of due jobs (their steps start in the
//! claim), hands every job to its handler ([`crate::jobs`]) concurrently, and writes what the
//! batch came to in one transaction ([`crate::settle`]).

use crate::fresh_reads::FreshReads;
use crate::settle::Settler;
use crate::shared_reads::SharedReads;
use crate::steps::OrgLocks;
use crate::{ApprovalMail, Clock, EngineConfig, OrgIndex, jobs};
use leaver_hub::HubClient;
use leaver_store::{Store, StoreError};
use std::sync::Arc;
use tokio::task::JoinSet;

/// Workers over one store and one Hub.
#[derive(Debug)]
pub struct Engine {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) hub: HubClient,
    pub(crate) index: OrgIndex,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: EngineConfig,
    /// One lock per org for admin changes (see `steps::admins`).
    pub(crate) org_locks: OrgLocks,
    /// The whole-org reads `refresh` and `verify` share while fresh enough.
    pub(crate) fresh_reads: FreshReads,
    /// Approval requests by email; without it, approvals are recorded only (tests approve
    /// through the store).
    pub(crate) approvals: Option<ApprovalMail>,
}

impl Engine {
    pub fn new(
        store: Arc<dyn Store>,
        hub: HubClient,
        clock: Arc<dyn Clock>,
        config: EngineConfig,
    ) -> Arc<Engine> {
        Self::with_approvals(store, hub, clock, config, None)
    }

    /// An engine that sends approval requests by email, reminds and escalates.
    pub fn with_approvals(
        store: Arc<dyn Store>,
        hub: HubClient,
        clock: Arc<dyn Clock>,
        config: EngineConfig,
        approvals: Option<ApprovalMail>,
    ) -> Arc<Engine> {
        let index = OrgIndex::new(hub.clone(), config.orgs.clone(), config.index_ttl);
        let fresh_reads = FreshReads::new(hub.clone(), clock.clone());
        Arc::new(Engine {
            org_locks: OrgLocks::new(store.clone()),
            store,
            hub,
            index,
            clock,
            config,
            fresh_reads,
            approvals,
        })
    }

    /// Queues due reminders and escalations, then sends due emails. Returns emails sent.
    pub async fn run_mail_once(&self) -> Result<usize, StoreError> {
        self.tick_approvals().await;
        self.send_mail_once().await
    }

    /// Queues due reminders and escalations. A failed pass is logged: it must not hold back
    /// the mail that is already queued.
    async fn tick_approvals(&self) {
        if let Some(approvals) = &self.approvals
            && let Err(error) = approvals.tick(&*self.store, self.clock.now()).await
        {
            tracing::warn!(%error, "queueing reminders and escalations failed");
        }
    }

    /// Sends due emails. Returns how many were sent.
    async fn send_mail_once(&self) -> Result<usize, StoreError> {
        match &self.approvals {
            Some(approvals) => approvals.send_due(&*self.store, 32, self.clock.now()).await,
            None => Ok(0),
        }
    }

    /// The SCIM apps beside the Hub (`[[apps]]`).
    pub fn apps(&self) -> &[crate::AppConnector] {
        &self.config.apps
    }

    /// The shared org index.
    pub fn index(&self) -> &OrgIndex {
        &self.index
    }

    /// Claims one batch of due jobs, carries them out concurrently and writes what they came
    /// to in one transaction. Returns how many jobs it took.
    pub async fn run_once(self: &Arc<Self>) -> Result<usize, StoreError> {
        let jobs = self
            .store
            .claim_jobs(self.config.lease, self.config.batch, self.clock.now())
            .await?;
        if jobs.is_empty() {
            return Ok(0);
        }
        let count = jobs.len();
        let reads = Arc::new(SharedReads::new(self.hub.clone()));
        let claimed = self.fresh_reads.mark();
        let mut running = JoinSet::new();
        for job in jobs {
            let (engine, reads) = (self.clone(), reads.clone());
            running.spawn(async move {
                let settle = jobs::handle(&engine, &job, &reads, claimed).await;
                (job, settle)
            });
        }
        let mut done = Vec::with_capacity(count);
        while let Some(joined) = running.join_next().await {
            match joined {
                Ok(outcome) => done.push(outcome),
                // The job stays claimed until its lease runs out, then runs again.
                Err(error) => tracing::error!(%error, "a job's task failed"),
            }
        }
        let settler = Settler {
            store: &*self.store,
            config: &self.config,
            now: self.clock.now(),
        };
        settler.settle(done).await;
        Ok(count)
    }

    /// Runs until no job is due (jobs scheduled for later stay). For tests and the CLI.
    pub async fn run_until_idle(self: &Arc<Self>) -> Result<(), StoreError> {
        while self.run_once().await? > 0 {}
        Ok(())
    }

    /// The drift watch's loop: a sweep whenever `every` has passed on the engine's clock since
    /// the last one (looked at every `idle_wait × 4`, so a manual clock drives it in tests).
    async fn watch_drift(
        self: Arc<Self>,
        every: std::time::Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut last: Option<time::OffsetDateTime> = None;
        while !*stop.borrow() {
            let now = self.clock.now();
            if last.is_none_or(|at| now - at >= every) {
                last = Some(now);
                if let Err(error) = self.sweep_drift(now).await {
                    tracing::warn!(%error, "drift sweep failed");
                }
            }
            let _ = tokio::time::timeout(self.config.idle_wait * 4, stop.changed()).await;
        }
    }

    /// Runs `workers` loops (and, with approvals, the mail and reminder loop; with
    /// `watch_every`, the drift watch) until `stop` turns true.
    pub async fn run(self: Arc<Self>, workers: usize, stop: tokio::sync::watch::Receiver<bool>) {
        let mut loops = JoinSet::new();
        if let Some(approvals) = &self.approvals {
            let (engine, mut stop) = (self.clone(), stop.clone());
            // Mail goes out within a second; reminders and escalations (a write transaction
            // each pass) are looked for only every `tick_every`.
            let send_every = engine.config.idle_wait * 4;
            let tick_every = approvals.settings.tick_every;
            loops.spawn(async move {
                let mut last_tick: Option<tokio::time::Instant> = None;
                while !*stop.borrow() {
                    if last_tick.is_none_or(|at| at.elapsed() >= tick_every) {
                        engine.tick_approvals().await;
                        last_tick = Some(tokio::time::Instant::now());
                    }
                    if let Err(e) = engine.send_mail_once().await {
                        tracing::warn!(error = %e, "sending mail failed");
                    }
                    let _ = tokio::time::timeout(send_every, stop.changed()).await;
                }
            });
        }
        if let Some(every) = self.config.watch_every {
            let (engine, stop) = (self.clone(), stop.clone());
            loops.spawn(engine.watch_drift(every, stop));
        }
        for n in 0..workers.max(1) {
            let (engine, mut stop) = (self.clone(), stop.clone());
            loops.spawn(async move {
                while !*stop.borrow() {
                    let idle = match engine.run_once().await {
                        Ok(0) => true,
                        Ok(_) => false,
                        Err(e) => {
                            tracing::warn!(worker = n, error = %e, "claiming jobs failed");
                            true
                        }
                    };
                    if idle {
                        let _ = tokio::time::timeout(engine.config.idle_wait, stop.changed()).await;
                    }
                }
            });
        }
        while loops.join_next().await.is_some() {}
    }
}
