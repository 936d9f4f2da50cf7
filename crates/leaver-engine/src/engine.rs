//! The engine: claims due jobs in batches, carries each batch out concurrently, and writes what
//! the batch came to in one transaction (see [`crate::settle`]).

use crate::outcome::{Outcome, StepError};
use crate::settle::{Settle, Settler};
use crate::shared_reads::SharedReads;
use crate::steps::{self, OrgLocks, StepContext};
use crate::{ApprovalMail, Clock, EngineConfig, OrgIndex};
use leaver_core::plan::{PlanContext, plan};
use leaver_core::{Case, CaseId, Effect, Event, Step, StepId, StepKind, StepState};
use leaver_hub::HubClient;
use leaver_store::{BatchWrite, HeldToken, Job, Store, StoreError};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::task::JoinSet;

/// A case as a batch read it: the case, or why its stored row could not be read.
type Loaded = Result<Arc<Case>, String>;

/// How long the jobs of a case whose stored row cannot be read wait before they look again.
const UNREADABLE_CASE_WAIT: time::Duration = time::Duration::hours(1);

/// Workers over one store and one Hub.
#[derive(Debug)]
pub struct Engine {
    store: Arc<dyn Store>,
    hub: HubClient,
    index: OrgIndex,
    clock: Arc<dyn Clock>,
    config: EngineConfig,
    /// One lock per org for admin changes (see `steps::admins`).
    org_locks: OrgLocks,
    /// Approval requests by email; without it, approvals are recorded only (tests approve
    /// through the store).
    approvals: Option<ApprovalMail>,
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
        Arc::new(Engine {
            store,
            hub,
            index,
            clock,
            config,
            org_locks: OrgLocks::default(),
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
        let cases = self.cases_of(&jobs).await?;
        let reads = Arc::new(SharedReads::new(self.hub.clone()));
        let mut running = JoinSet::new();
        for job in jobs {
            let (engine, reads) = (self.clone(), reads.clone());
            let case = cases.get(&job.case_id).cloned();
            running.spawn(async move {
                let settle = engine.handle(&job, case, &reads).await;
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

    /// The cases of a batch of jobs, read together. A case that does not decode is its own
    /// error: its jobs wait, the rest of the batch runs.
    async fn cases_of(&self, jobs: &[Job]) -> Result<HashMap<CaseId, Loaded>, StoreError> {
        let mut ids: Vec<CaseId> = jobs.iter().map(|job| job.case_id).collect();
        ids.sort_unstable_by_key(ToString::to_string);
        ids.dedup();
        let cases = self.store.cases(&ids).await?;
        Ok(cases
            .into_iter()
            .map(|(id, case)| (id, case.map(Arc::new).map_err(|e| e.to_string())))
            .collect())
    }

    /// Runs until no job is due (jobs scheduled for later stay). For tests and the CLI.
    pub async fn run_until_idle(self: &Arc<Self>) -> Result<(), StoreError> {
        while self.run_once().await? > 0 {}
        Ok(())
    }

    /// Runs `workers` loops (and, with approvals, the mail and reminder loop) until `stop`
    /// turns true.
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

    /// Carries one job out; what it comes to is written with the rest of its batch.
    #[tracing::instrument(skip_all, fields(case_id = %job.case_id, kind = ?job.kind))]
    async fn handle(&self, job: &Job, case: Option<Loaded>, reads: &SharedReads) -> Settle {
        let case = match case {
            Some(Ok(case)) => case,
            Some(Err(error)) => {
                tracing::error!(%error, "the job's case cannot be read; it waits for an operator");
                return Settle::Reschedule {
                    at: self.clock.now() + UNREADABLE_CASE_WAIT,
                    error: format!("the stored case cannot be read: {error}"),
                };
            }
            None => {
                tracing::warn!("the job's case does not exist");
                return Settle::Finish;
            }
        };
        let result = match &job.effect {
            Effect::PlanCase => self.plan_case(&case).await,
            Effect::RunStep { step, .. } => self.run_step(&case, *step, reads).await,
            Effect::PollManualStep { step } => self.poll_manual(&case, *step, reads).await,
            Effect::RequestApproval { steps } => match &self.approvals {
                Some(approvals) => {
                    let now = self.clock.now();
                    approvals
                        .request(&*self.store, case.id, steps, &job.lease, now)
                        .await
                        .map(|()| Settle::Settled)
                        .map_err(JobError::Store)
                }
                None => Ok(note("approval_requested", json!({ "steps": steps }))),
            },
            Effect::NotifyOperator { reason } => {
                Ok(note("operator_notified", json!({ "reason": reason })))
            }
        };
        match result {
            Ok(settle) => settle,
            Err(JobError::Store(StoreError::Domain(e))) => {
                tracing::info!(error = %e, "job no longer applies");
                Settle::Finish
            }
            Err(error) => {
                tracing::warn!(error = %error, "job failed; retrying later");
                Settle::Reschedule {
                    at: self.clock.now() + self.config.backoff(job.attempts),
                    error: error.to_string(),
                }
            }
        }
    }

    async fn plan_case(&self, case: &Case) -> Result<Settle, JobError> {
        let snapshot = self
            .index
            .snapshot(self.clock.now())
            .await
            .map_err(StepError::from)?;
        let ctx = PlanContext {
            leaver: &case.person.hub_username,
            successor: case.successor.as_ref(),
            service_accounts: &self.config.service_accounts,
            revoke_to: self.config.revoke_to,
        };
        let plan = plan(&ctx, &snapshot.orgs, StepId::random);
        let detail = json!({ "steps": plan.steps, "blockers": plan.blockers });
        Ok(events(vec![plan.into_event()], detail))
    }

    async fn run_step(
        &self,
        case: &Case,
        step_id: StepId,
        reads: &SharedReads,
    ) -> Result<Settle, JobError> {
        let step =
            case.step(step_id)
                .ok_or(StoreError::Domain(leaver_core::DomainError::UnknownStep(
                    step_id,
                )))?;
        let now = self.clock.now();
        if case.not_before(now) > now {
            return Ok(Settle::Reschedule {
                at: case.not_before(now),
                error: "not yet effective".into(),
            });
        }
        let start = match step.state {
            StepState::Approved | StepState::Failed => vec![Event::StepStarted { step: step_id }],
            StepState::Running => Vec::new(),
            _ => return Ok(Settle::Finish),
        };
        let outcome = match self.held_tokens(case, step).await {
            Ok(held) => self.carry_out(case, step_id, reads, &held, false).await,
            // A seal that does not open will not open on a retry: an operator must look.
            Err(StoreError::Corrupt(why)) => Err(StepError::Refused(why)),
            Err(other) => return Err(other.into()),
        };
        let (outcome, detail) = self.outcome_events(step_id, step.attempts + 1, outcome);
        Ok(events(start.into_iter().chain(outcome).collect(), detail))
    }

    async fn poll_manual(
        &self,
        case: &Case,
        step_id: StepId,
        reads: &SharedReads,
    ) -> Result<Settle, JobError> {
        match case.step(step_id).map(|s| s.state) {
            Some(StepState::WaitingManual) => {}
            _ => return Ok(Settle::Finish),
        }
        match self.carry_out(case, step_id, reads, &[], true).await {
            Ok(Outcome::Done { note, evidence }) => {
                let event = Event::StepSucceeded {
                    step: step_id,
                    note: Some(note),
                };
                Ok(events(vec![event], json!({ "evidence": evidence })))
            }
            Ok(Outcome::Manual { .. }) => Ok(Settle::Reschedule {
                at: self.clock.now() + self.config.poll_interval,
                error: "not done on the Hub yet".into(),
            }),
            Err(e) => Err(JobError::Step(e)),
        }
    }

    /// Runs (or, for `check_only`, checks) one step against the Hub.
    async fn carry_out(
        &self,
        case: &Case,
        step_id: StepId,
        reads: &SharedReads,
        held_tokens: &[HeldToken],
        check_only: bool,
    ) -> Result<Outcome, StepError> {
        let snapshot = self.index.snapshot(self.clock.now()).await?;
        let step = case
            .step(step_id)
            .ok_or_else(|| StepError::Refused(format!("no step {step_id}")))?;
        let org = step
            .target
            .org()
            .and_then(|name| snapshot.orgs.iter().find(|o| o.name == name));
        let cx = StepContext {
            hub: &self.hub,
            reads,
            org_locks: &self.org_locks,
            held_tokens,
            tokens: self.store.as_ref(),
            now: self.clock.now(),
            case,
            step,
            config: &self.config,
            me: &snapshot.me,
            org,
        };
        if check_only {
            return Ok(match steps::check(&cx).await? {
                Some(note) => Outcome::done(note),
                None => Outcome::Manual {
                    instructions: String::new(),
                },
            });
        }
        // The index is not invalidated here: steps read the Hub themselves, and a plan made
        // from a slightly stale index is still safe because every member change re-checks that
        // a human admin remains (see steps::admins).
        steps::run(&cx).await
    }

    /// The raw Hub tokens held for the case, for its `flag_tokens` step to revoke.
    async fn held_tokens(&self, case: &Case, step: &Step) -> Result<Vec<HeldToken>, StoreError> {
        match &self.config.token_sealer {
            Some(sealer) if step.kind == StepKind::FlagTokens => {
                self.store.held_tokens(case.id, sealer).await
            }
            _ => Ok(Vec::new()),
        }
    }

    /// The events (and audit detail) that record a step's outcome after attempt `attempt`.
    fn outcome_events(
        &self,
        step: StepId,
        attempt: u32,
        outcome: Result<Outcome, StepError>,
    ) -> (Vec<Event>, Value) {
        match outcome {
            Ok(Outcome::Done { note, evidence }) => (
                vec![Event::StepSucceeded {
                    step,
                    note: Some(note),
                }],
                json!({ "evidence": evidence }),
            ),
            Ok(Outcome::Manual { instructions }) => (
                vec![Event::StepWaitingManual { step, instructions }],
                json!({}),
            ),
            Err(error) => {
                let retry_at = (error.is_retryable() && attempt < self.config.max_attempts)
                    .then(|| self.clock.now() + self.config.backoff(attempt));
                let detail = json!({ "attempt": attempt, "retryable": error.is_retryable() });
                (
                    vec![Event::StepFailed {
                        step,
                        error: error.to_string(),
                        retry_at,
                    }],
                    detail,
                )
            }
        }
    }
}

/// Events to record for a job.
fn events(events: Vec<Event>, detail: Value) -> Settle {
    Settle::Write(BatchWrite::Events { events, detail })
}

/// An audit note for a job whose work lands with later issues (approval emails, operator
/// notices): recorded in the audit trail, and the job finished.
fn note(kind: &str, data: Value) -> Settle {
    Settle::Write(BatchWrite::Note {
        kind: kind.into(),
        data,
    })
}

/// Why a job could not be handled this time.
#[derive(Debug, thiserror::Error)]
enum JobError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Step(#[from] StepError),
}
