//! `RequestApproval`: ask the approvers the policy names about some steps of a case. The
//! requests, their links and emails are written with the job's outcome; without approval mail
//! the request is only noted (tests approve through the store).

use super::note;
use crate::Engine;
use crate::settle::Settle;
use leaver_core::{Case, StepId};
use leaver_store::BatchWrite;
use serde_json::json;

pub(super) fn handle(engine: &Engine, case: &Case, steps: &[StepId]) -> Settle {
    match &engine.approvals {
        Some(approvals) => Settle::write(BatchWrite::AskApprovers {
            requests: approvals.requests(case, steps, engine.clock.now()),
        }),
        None => note("approval_requested", json!({ "steps": steps })),
    }
}
