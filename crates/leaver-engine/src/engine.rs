//! The engine: claims due jobs and carries them out, each outcome recorded through the store.

use crate::outcome::{Outcome, StepError};
use crate::steps::{self, StepContext};
use crate::{Clock, EngineConfig, OrgIndex};
use leaver_core::plan::{PlanContext, plan};
use leaver_core::{Case, Effect, Event, StepId, StepState};
use leaver_hub::HubClient;
use leaver_store::{Actor, Job, Store, StoreError};
use serde_json::{Value, json};
use std::sync::Arc;
use tokio::task::JoinSet;

/// Workers over one store and one Hub.
#[derive(Debug)]
pub struct Engine {
    store: Arc<dyn Store>,
    hub: HubClient,
    index: OrgIndex,
    clock: Arc<dyn Clock>,
    config: EngineConfig,
}

impl Engine {
    pub fn new(
        store: Arc<dyn Store>,
        hub: HubClient,
        clock: Arc<dyn Clock>,
        config: EngineConfig,
    ) -> Arc<Engine> {
        let index = OrgIndex::new(hub.clone(), config.orgs.clone(), config.index_ttl);
        Arc::new(Engine {
            store,
            hub,
            index,
            clock,
            config,
        })
    }

    /// The shared org index.
    pub fn index(&self) -> &OrgIndex {
        &self.index
    }

    /// Claims one batch of due jobs and carries them out concurrently. Returns how many it took.
    pub async fn run_once(self: &Arc<Self>) -> Result<usize, StoreError> {
        let jobs = self
            .store
            .claim_jobs(self.config.lease, self.config.batch, self.clock.now())
            .await?;
        let count = jobs.len();
        let mut running = JoinSet::new();
        for job in jobs {
            let engine = self.clone();
            running.spawn(async move { engine.handle(job).await });
        }
        while running.join_next().await.is_some() {}
        Ok(count)
    }

    /// Runs until no job is due (jobs scheduled for later stay). For tests and the CLI.
    pub async fn run_until_idle(self: &Arc<Self>) -> Result<(), StoreError> {
        while self.run_once().await? > 0 {}
        Ok(())
    }

    /// Runs `workers` loops until `stop` turns true.
    pub async fn run(self: Arc<Self>, workers: usize, stop: tokio::sync::watch::Receiver<bool>) {
        let mut loops = JoinSet::new();
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

    #[tracing::instrument(skip_all, fields(case_id = %job.case_id, kind = ?job.kind))]
    async fn handle(&self, job: Job) {
        let result = match &job.effect {
            Effect::PlanCase => self.plan_case(&job).await,
            Effect::RunStep { step, .. } => self.run_step(&job, *step).await,
            Effect::PollManualStep { step } => self.poll_manual(&job, *step).await,
            Effect::RequestApproval { steps } => {
                self.note(&job, "approval_requested", json!({ "steps": steps }))
                    .await
            }
            Effect::NotifyOperator { reason } => {
                self.note(&job, "operator_notified", json!({ "reason": reason }))
                    .await
            }
        };
        match result {
            Ok(()) => {}
            Err(JobError::Store(StoreError::LeaseLost(_))) => {
                tracing::info!("lease lost; another worker has the job")
            }
            Err(JobError::Store(StoreError::Domain(e))) => {
                tracing::info!(error = %e, "job no longer applies");
                let _ = self.store.finish_job(&job.lease).await;
            }
            Err(error) => {
                let at = self.clock.now() + self.config.backoff(job.attempts);
                tracing::warn!(error = %error, "job failed; retrying later");
                let _ = self
                    .store
                    .reschedule_job(&job.lease, at, &error.to_string())
                    .await;
            }
        }
    }

    async fn plan_case(&self, job: &Job) -> Result<(), JobError> {
        let case = self.store.case(job.case_id).await?;
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
        self.record(job, vec![plan.into_event()], detail).await
    }

    async fn run_step(&self, job: &Job, step_id: StepId) -> Result<(), JobError> {
        let case = self.store.case(job.case_id).await?;
        let step =
            case.step(step_id)
                .ok_or(StoreError::Domain(leaver_core::DomainError::UnknownStep(
                    step_id,
                )))?;
        let now = self.clock.now();
        if case.not_before(now) > now {
            self.store
                .reschedule_job(&job.lease, case.not_before(now), "not yet effective")
                .await?;
            return Ok(());
        }
        let start = match step.state {
            StepState::Approved | StepState::Failed => vec![Event::StepStarted { step: step_id }],
            StepState::Running => Vec::new(),
            _ => {
                self.store.finish_job(&job.lease).await?;
                return Ok(());
            }
        };
        let outcome = self.carry_out(&case, step_id, false).await;
        let (events, detail) = self.outcome_events(step_id, step.attempts + 1, outcome);
        self.record(job, start.into_iter().chain(events).collect(), detail)
            .await
    }

    async fn poll_manual(&self, job: &Job, step_id: StepId) -> Result<(), JobError> {
        let case = self.store.case(job.case_id).await?;
        match case.step(step_id).map(|s| s.state) {
            Some(StepState::WaitingManual) => {}
            _ => {
                self.store.finish_job(&job.lease).await?;
                return Ok(());
            }
        }
        match self.carry_out(&case, step_id, true).await {
            Ok(Outcome::Done { note, evidence }) => {
                let event = Event::StepSucceeded {
                    step: step_id,
                    note: Some(note),
                };
                self.record(job, vec![event], json!({ "evidence": evidence }))
                    .await
            }
            Ok(Outcome::Manual { .. }) => {
                let at = self.clock.now() + self.config.poll_interval;
                self.store
                    .reschedule_job(&job.lease, at, "not done on the Hub yet")
                    .await?;
                Ok(())
            }
            Err(e) => Err(JobError::Step(e)),
        }
    }

    /// Runs (or, for `check_only`, checks) one step against the Hub.
    async fn carry_out(
        &self,
        case: &Case,
        step_id: StepId,
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

    async fn record(&self, job: &Job, events: Vec<Event>, detail: Value) -> Result<(), JobError> {
        self.store
            .record(
                job.case_id,
                events,
                &Actor::engine(),
                detail,
                Some(&job.lease),
                self.clock.now(),
            )
            .await?;
        Ok(())
    }

    /// Jobs whose work lands with later issues (approval emails, operator notices) are recorded
    /// in the audit trail and finished.
    async fn note(&self, job: &Job, kind: &str, data: Value) -> Result<(), JobError> {
        self.store
            .append_audit(
                Some(job.case_id),
                &Actor::engine(),
                kind,
                data,
                self.clock.now(),
            )
            .await?;
        self.store.finish_job(&job.lease).await?;
        Ok(())
    }
}

/// Why a job could not be handled this time.
#[derive(Debug, thiserror::Error)]
enum JobError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Step(#[from] StepError),
}
