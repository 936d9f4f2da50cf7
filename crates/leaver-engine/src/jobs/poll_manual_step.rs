//! `PollManualStep`: look on the Hub whether a human has done a manual step; done, it succeeds,
//! otherwise the poll comes back later.

use super::{Carry, JobError, carry_out, events};
use crate::Engine;
use crate::fresh_reads::Freshness;
use crate::outcome::Outcome;
use crate::settle::Settle;
use crate::shared_reads::SharedReads;
use leaver_core::{Case, Event, StepId, StepState};
use serde_json::json;

pub(super) async fn handle(
    engine: &Engine,
    case: &Case,
    step: StepId,
    reads: &SharedReads,
    fresh: Freshness,
) -> Result<Settle, JobError> {
    if case.step(step).map(|s| s.state) != Some(StepState::WaitingManual) {
        return Ok(Settle::Finish);
    }
    match carry_out(engine, case, step, (reads, fresh), Carry::Check)
        .await?
        .outcome
    {
        Outcome::Done { note, evidence } => {
            let event = Event::StepSucceeded {
                step,
                note: Some(note),
            };
            Ok(events(vec![event], json!({ "evidence": evidence })))
        }
        Outcome::Manual { .. } | Outcome::Replanned { .. } => Ok(Settle::Reschedule {
            at: engine.clock.now() + engine.config.poll_interval,
            error: "not done on the Hub yet".into(),
        }),
    }
}
