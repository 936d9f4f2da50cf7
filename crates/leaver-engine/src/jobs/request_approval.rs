//! `RequestApproval`: ask the approvers the policy names about some steps of a case, by email
//! when the engine sends mail; otherwise the request is only noted (tests approve through the
//! store).

use super::{JobError, note};
use crate::Engine;
use crate::settle::Settle;
use leaver_core::{Case, StepId};
use leaver_store::Lease;
use serde_json::json;

pub(super) async fn handle(
    engine: &Engine,
    case: &Case,
    steps: &[StepId],
    lease: &Lease,
) -> Result<Settle, JobError> {
    let Some(approvals) = &engine.approvals else {
        return Ok(note("approval_requested", json!({ "steps": steps })));
    };
    // B: this writes in its own transaction; return the requests to open as a write instead.
    approvals
        .request(&*engine.store, case.id, steps, lease, engine.clock.now())
        .await?;
    Ok(Settle::Settled)
}
