//! What the dashboard and `/metrics` read: counts by state, the steps that wait for an approver
//! or need a person, recent drift, the email outbox's depth, and whether the database answers.

use crate::drift::DriftView;
use crate::{Leaver, Result};
use leaver_core::{CaseId, CaseState, StepState};
use leaver_store::mail::outbox::MailOutbox;
use leaver_store::{
    BlockedCase, DriftLinks, ReportStore, RetryingStep, RetryingSummary, StepCount, StepRef, Store,
    WaitingApproval,
};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// How many rows each dashboard list shows.
const LISTED: u32 = 50;

/// The dashboard's picture.
#[derive(Clone, Debug)]
pub struct Dashboard {
    pub counts: BTreeMap<CaseState, i64>,
    /// Approvers' open links, oldest first.
    pub approvals: Vec<WaitingApproval>,
    /// Steps waiting for an approval.
    pub awaiting: Vec<StepRef>,
    /// What needs an operator: every blocked case with its reason, then the steps failed for
    /// good, waiting for a manual action or rejected (see [`Attention`]).
    pub attention: Vec<Attention>,
    /// Steps waiting on the Hub: failing transiently and tried again, longest-failing first.
    pub retrying: Vec<RetryingStep>,
    /// Recent drift: access that came back after a case completed, with its follow-up.
    pub drift: Vec<DriftView>,
}

/// A case that needs an operator, and why: its plan is blocked (`step` is `None`), or one of
/// its steps failed for good, waits for a person or was rejected.
#[derive(Clone, Debug)]
pub struct Attention {
    pub case_id: CaseId,
    pub external_id: String,
    pub hub_username: String,
    /// The step concerned, if it is a step.
    pub step: Option<StepRef>,
    /// Why, in words: the blocked reason, the step's last error, or the approver's reason.
    pub why: Option<String>,
    /// Since when.
    pub since: OffsetDateTime,
}

impl Attention {
    fn blocked(case: BlockedCase) -> Attention {
        Attention {
            why: Some(format!("blocked: {}", case.reason)),
            case_id: case.case_id,
            external_id: case.external_id,
            hub_username: case.hub_username,
            step: None,
            since: case.since,
        }
    }

    fn step(step: StepRef) -> Attention {
        let why = match (step.state, &step.error, &step.note) {
            (StepState::Rejected, _, Some(reason)) => Some(format!("rejected: {reason}")),
            (_, Some(error), _) => Some(error.clone()),
            (StepState::WaitingManual, None, _) => Some("waits for a person".into()),
            _ => None,
        };
        Attention {
            case_id: step.case_id,
            external_id: step.external_id.clone(),
            hub_username: step.hub_username.clone(),
            why,
            since: step.since,
            step: Some(step),
        }
    }
}

/// What `/metrics` reports.
#[derive(Clone, Debug)]
pub struct Metrics {
    pub cases: BTreeMap<CaseState, i64>,
    pub steps: Vec<StepCount>,
    /// (calls made, 429 answers) of the Hub client in this process.
    pub hub: (u64, u64),
    /// Emails waiting to be sent.
    pub outbox_depth: i64,
    /// Drift the watch has detected, ever.
    pub drift_detected: i64,
    /// Steps waiting on the Hub, and since when the one waiting longest.
    pub retrying: RetryingSummary,
    /// Whether this process's circuit to the Hub is open (calls held back); `false` when no
    /// Hub client runs here.
    pub hub_circuit_open: bool,
}

impl Leaver {
    /// The dashboard: cases by state and the steps someone should look at.
    pub async fn dashboard(&self) -> Result<Dashboard> {
        let attention = [
            StepState::Failed,
            StepState::WaitingManual,
            StepState::Rejected,
        ];
        Ok(Dashboard {
            counts: self.store.case_counts().await?,
            approvals: self.store.waiting_approvals(LISTED).await?,
            awaiting: self
                .store
                .steps_in_states(&[StepState::AwaitingApproval], LISTED)
                .await?,
            attention: self
                .store
                .blocked_cases(LISTED)
                .await?
                .into_iter()
                .map(Attention::blocked)
                .chain(
                    self.store
                        .steps_in_states(&attention, LISTED)
                        .await?
                        .into_iter()
                        .map(Attention::step),
                )
                .collect(),
            retrying: self.store.retrying_steps(LISTED).await?,
            drift: self.recent_drift().await?,
        })
    }

    /// Counts for `/metrics`.
    pub async fn metrics(&self) -> Result<Metrics> {
        Ok(Metrics {
            cases: self.store.case_counts().await?,
            steps: self.store.step_counts().await?,
            hub: self.hub_counters(),
            outbox_depth: self.store.unsent_emails().await?,
            drift_detected: self.store.drift_count().await?,
            retrying: self.store.retrying_summary().await?,
            hub_circuit_open: self.hub_circuit_open(),
        })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }
}
