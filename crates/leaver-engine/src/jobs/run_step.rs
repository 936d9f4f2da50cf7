//! `RunStep`: carry one step out against the Hub. The claim started the step (`StepStarted` is
//! stored with the claim), so this returns only its outcome: succeeded, failed (tried again
//! later if the error is transient) or waiting for a human.
//!
//! A step handed out already running on a cancelled case was started before the cancel by a
//! worker that stopped before recording its outcome: it is read on the Hub, never written again,
//! and what the Hub shows is recorded.

use super::{Carry, JobError, carry_out};
use crate::Engine;
use crate::fresh_reads::Freshness;
use crate::outcome::{Outcome, StepError};
use crate::settle::Settle;
use crate::shared_reads::SharedReads;
use crate::steps::Ran;
use crate::steps::footprint::PassRecord;
use leaver_core::{Case, CaseState, Event, Step, StepId, StepKind, StepState};
use leaver_hub::CircuitState;
use leaver_store::{BatchWrite, HeldToken, StoreError};
use serde_json::json;
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub(super) async fn handle(
    engine: &Engine,
    case: &Case,
    step_id: StepId,
    reads: &SharedReads,
    fresh: Freshness,
) -> Result<Settle, JobError> {
    let now = engine.clock.now();
    if case.not_before(now) > now {
        return Ok(Settle::Reschedule {
            at: case.not_before(now),
            error: "not yet effective".into(),
        });
    }
    let Some(step) = case.step(step_id).filter(|s| s.state == StepState::Running) else {
        // Not started by the claim: the job no longer applies.
        return Ok(Settle::Finish);
    };
    if case.state == CaseState::Cancelled {
        let checked = carry_out(engine, case, step_id, (reads, fresh), Carry::Check).await?;
        return Ok(settle(engine, step, done_or_left(checked)));
    }
    let ran = match held_tokens(engine, case, step).await {
        Ok(held_tokens) => {
            let carry = Carry::Run {
                held_tokens: &held_tokens,
            };
            carry_out(engine, case, step_id, (reads, fresh), carry).await
        }
        // A seal that does not open will not open on a retry: an operator must look.
        Err(StoreError::Corrupt(why)) => Err(StepError::Refused(why)),
        Err(other) => return Err(other.into()),
    };
    Ok(settle(engine, step, ran))
}

/// What a check after a cancel found: done, or a refusal to go on.
fn done_or_left(checked: Ran) -> Result<Ran, StepError> {
    match checked.outcome {
        Outcome::Done { .. } => Ok(checked),
        Outcome::Manual { .. } | Outcome::Replanned { .. } => Err(StepError::Refused(
            "the case was cancelled while this step ran and the Hub does not show it done; it is not run again".into(),
        )),
    }
}

/// The raw Hub tokens held for the case, for its `flag_tokens` step to settle.
async fn held_tokens(
    engine: &Engine,
    case: &Case,
    step: &Step,
) -> Result<Vec<HeldToken>, StoreError> {
    match &engine.config.token_sealer {
        Some(sealer) if step.kind == StepKind::FlagTokens => {
            engine.store.held_tokens(case.id, sealer).await
        }
        _ => Ok(Vec::new()),
    }
}

/// The outcome event of the step's current attempt (with its audit detail), after the held
/// tokens' verdicts the run reached, if any.
fn settle(engine: &Engine, step: &Step, ran: Result<Ran, StepError>) -> Settle {
    let (outcome, verdicts, pass) = match ran {
        Ok(Ran {
            outcome,
            verdicts,
            pass,
        }) => (Ok(outcome), verdicts, pass),
        Err(error) => (Err(error), Vec::new(), None),
    };
    let (event, detail) = outcome_event(engine, step, outcome);
    let mut facts = Vec::new();
    if !verdicts.is_empty() {
        facts.push(BatchWrite::TokenVerdicts { tokens: verdicts });
    }
    if let Some(PassRecord { pass, reads }) = pass {
        facts.push(BatchWrite::FootprintPass { pass, reads });
    }
    Settle::Write {
        facts,
        write: BatchWrite::Events {
            events: vec![event],
            detail,
        },
    }
}

/// The event (and audit detail) that records the outcome of the step's current attempt.
fn outcome_event(
    engine: &Engine,
    step: &Step,
    outcome: Result<Outcome, StepError>,
) -> (Event, serde_json::Value) {
    let attempt = step.attempts;
    match outcome {
        Ok(Outcome::Done { note, evidence }) => (
            Event::StepSucceeded {
                step: step.id,
                note: Some(note),
            },
            json!({ "evidence": evidence }),
        ),
        Ok(Outcome::Manual { instructions }) => (
            Event::StepWaitingManual {
                step: step.id,
                instructions,
            },
            json!({}),
        ),
        Ok(Outcome::Replanned {
            added,
            skipped,
            evidence,
        }) => (
            Event::FootprintChanged {
                step: step.id,
                added,
                skipped,
            },
            json!({ "evidence": evidence }),
        ),
        Err(error) => {
            let now = engine.clock.now();
            let since = step.failing_since.unwrap_or(now);
            let retry_at = error
                .is_retryable()
                .then(|| next_try(engine, step.attempts, &error, now, since))
                .flatten();
            let spent = error.is_retryable() && retry_at.is_none();
            let detail = json!({
                "attempt": attempt,
                "retryable": error.is_retryable(),
                "failing_since": since.format(&Rfc3339).ok(),
                "retry_budget_spent": spent,
            });
            let error = match spent {
                true => format!(
                    "{error} (failing since {}; gave up after LEAVER_RETRY_FOR_SECS={})",
                    since.format(&Rfc3339).unwrap_or_default(),
                    engine.config.retry_for.as_secs()
                ),
                false => error.to_string(),
            };
            let event = Event::StepFailed {
                step: step.id,
                error,
                retry_at,
            };
            (event, detail)
        }
    }
}

/// When a step failing transiently since `since` is tried again: after its backoff, or
/// later if the Hub asked for more (`Retry-After`, `RateLimit`) or the shared circuit to the
/// Hub is open; `None` once the retry budget (`retry_for`, from `since`) is spent.
fn next_try(
    engine: &Engine,
    attempts: u32,
    error: &StepError,
    now: OffsetDateTime,
    since: OffsetDateTime,
) -> Option<OffsetDateTime> {
    let config = &engine.config;
    if now >= since + config.retry_for {
        return None;
    }
    let circuit = match engine.hub.circuit() {
        CircuitState::Open(wait) => wait,
        CircuitState::Closed | CircuitState::HalfOpen => Duration::ZERO,
    };
    let wait = config
        .backoff(attempts)
        .max(error.retry_after().unwrap_or_default())
        .max(circuit);
    Some(now + wait)
}
