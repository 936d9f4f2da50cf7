//! Steps put to the approvers again (after a rejection, or because the successor changed) are
//! no longer decided by the requests that asked about them before: inside the transaction that
//! asks again, those requests give the steps up ([`CaseApprovals::withdraw`]), so no decision
//! on an old request, however late, approves what was asked anew.
//!
//! [`CaseApprovals::withdraw`]: leaver_core::approval::CaseApprovals::withdraw

use crate::StoreError;
use crate::approvals::rows::{load_for_case, save_withdrawn};
use leaver_core::{CaseId, Effect, StepId};
use sqlx::{Any, Transaction};

/// Withdraws the steps of `effects`' approval requests from the case's earlier requests.
pub(crate) async fn asked_again(
    tx: &mut Transaction<'static, Any>,
    case: CaseId,
    effects: &[Effect],
) -> Result<(), StoreError> {
    let asked: Vec<StepId> = effects
        .iter()
        .flat_map(|e| match e {
            Effect::RequestApproval { steps } => steps.clone(),
            _ => Vec::new(),
        })
        .collect();
    if asked.is_empty() {
        return Ok(());
    }
    let mut approvals = load_for_case(tx, case).await?;
    let changed = approvals.withdraw(&asked);
    let requests: Vec<_> = approvals
        .requests
        .iter()
        .filter(|r| changed.contains(&r.id))
        .collect();
    save_withdrawn(tx, &requests).await
}
