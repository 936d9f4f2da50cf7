//! One handler per job kind. Each takes its job's payload and the case as the claim left it
//! (a `RunStep` job's step already `running`), carries the job out and returns what it came to
//! ([`Settle`]); none writes to the store: the settler writes a whole batch at once.

mod plan_case;
mod poll_manual_step;
mod request_approval;
mod run_step;

use crate::Engine;
use crate::fresh_reads::Freshness;
use crate::outcome::{Outcome, StepError};
use crate::settle::Settle;
use crate::shared_reads::SharedReads;
use crate::steps::{self, Ran, StepContext};
use leaver_core::{Case, Effect, StepId, StepKind};
use leaver_hub::purpose::for_purpose;
use leaver_store::{BatchWrite, HeldToken, Job, StoreError};
use serde_json::Value;

/// How long the jobs of a case whose stored row cannot be read wait before they look again.
const UNREADABLE_CASE_WAIT: time::Duration = time::Duration::hours(1);

/// Carries one job out; what it comes to is written with the rest of its batch.
#[tracing::instrument(skip_all, fields(case_id = %job.case_id, kind = ?job.kind))]
pub(crate) async fn handle(
    engine: &Engine,
    job: &Job,
    reads: &SharedReads,
    claimed: u64,
) -> Settle {
    let case = match &job.case {
        Some(Ok(case)) => case,
        Some(Err(error)) => {
            tracing::error!(%error, "the job's case cannot be read; it waits for an operator");
            return Settle::Reschedule {
                at: engine.clock.now() + UNREADABLE_CASE_WAIT,
                error: format!("the stored case cannot be read: {error}"),
            };
        }
        None => {
            tracing::warn!("the job's case does not exist");
            return Settle::Finish;
        }
    };
    let fresh = Freshness {
        since: job.due_since,
        claimed,
    };
    let result = match &job.effect {
        Effect::PlanCase => for_purpose("plan", plan_case::handle(engine, case)).await,
        Effect::RunStep { step, .. } => {
            let run = run_step::handle(engine, case, *step, reads, fresh);
            for_purpose(purpose(case, *step), run).await
        }
        Effect::PollManualStep { step } => {
            let poll = poll_manual_step::handle(engine, case, *step, reads, fresh);
            for_purpose("manual step polled", poll).await
        }
        Effect::RequestApproval { steps } => Ok(request_approval::handle(engine, case, steps)),
        // Never a job: the store queues it for the operators (`leaver_store::mail::operator_notices`).
        Effect::NotifyOperator { .. } => Ok(Settle::Finish),
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
                at: engine.clock.now() + engine.config.backoff(job.attempts),
                error: error.to_string(),
            }
        }
    }
}

/// What the Hub reads of a step are for, as `leaver_hub::purpose` counts them: the whole
/// footprint read afresh before the first write (`refresh`) or after the last (`verify`), or a
/// step's own read before its write (its read-back says so itself, in `SharedReads`).
fn purpose(case: &Case, step: StepId) -> &'static str {
    match case.step(step).map(|s| s.kind) {
        Some(StepKind::Refresh) => "fresh read before writing",
        Some(StepKind::Verify) => "verify",
        _ => "read before write",
    }
}

/// Why a job could not be handled this time.
#[derive(Debug, thiserror::Error)]
pub(crate) enum JobError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Step(#[from] StepError),
}

/// Events to record for a job.
fn events(events: Vec<leaver_core::Event>, detail: Value) -> Settle {
    Settle::write(BatchWrite::Events { events, detail })
}

/// An audit record for a job that changes no state.
fn note(kind: &str, data: Value) -> Settle {
    Settle::write(BatchWrite::Note {
        kind: kind.into(),
        data,
    })
}

/// Whether a step is run (it may write to the Hub) or only checked (a manual step polled).
enum Carry<'a> {
    Run { held_tokens: &'a [HeldToken] },
    Check,
}

/// Runs or checks one step of `case` against the Hub.
async fn carry_out(
    engine: &Engine,
    case: &Case,
    step_id: StepId,
    (reads, freshness): (&SharedReads, Freshness),
    carry: Carry<'_>,
) -> Result<Ran, StepError> {
    let snapshot = engine.index.snapshot(engine.clock.now()).await?;
    let step = case
        .step(step_id)
        .ok_or_else(|| StepError::Refused(format!("no step {step_id}")))?;
    let org = step
        .target
        .org()
        .and_then(|name| snapshot.orgs.iter().find(|o| o.name == name));
    let held_tokens = match carry {
        Carry::Run { held_tokens } => held_tokens,
        Carry::Check => &[],
    };
    let cx = StepContext {
        hub: &engine.hub,
        reads,
        fresh_reads: &engine.fresh_reads,
        freshness,
        org_locks: &engine.org_locks,
        held_tokens,
        case,
        step,
        config: &engine.config,
        me: &snapshot.me,
        org,
    };
    match carry {
        // The index is not invalidated here: steps read the Hub themselves, and a plan made
        // from a slightly stale index is still safe because every member change re-checks
        // that a human admin remains (see steps::admins).
        Carry::Run { .. } => steps::run(&cx).await,
        Carry::Check => Ok(Ran::from(match steps::check(&cx).await? {
            Some(note) => Outcome::done(note),
            None => Outcome::Manual {
                instructions: String::new(),
            },
        })),
    }
}
