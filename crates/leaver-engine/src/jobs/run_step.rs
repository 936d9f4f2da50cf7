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
use leaver_core::{Case, CaseState, Event, Step, StepId, StepKind, StepState};
use leaver_store::{BatchWrite, HeldToken, StoreError};
use serde_json::json;

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
    let (outcome, verdicts) = match ran {
        Ok(Ran { outcome, verdicts }) => (Ok(outcome), verdicts),
        Err(error) => (Err(error), Vec::new()),
    };
    let (event, detail) = outcome_event(engine, step, outcome);
    let facts = if verdicts.is_empty() {
        Vec::new()
    } else {
        vec![BatchWrite::TokenVerdicts { tokens: verdicts }]
    };
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
            let config = &engine.config;
            let retry_at = (error.is_retryable() && attempt < config.max_attempts)
                .then(|| engine.clock.now() + config.backoff(attempt));
            let detail = json!({ "attempt": attempt, "retryable": error.is_retryable() });
            let event = Event::StepFailed {
                step: step.id,
                error: error.to_string(),
                retry_at,
            };
            (event, detail)
        }
    }
}
