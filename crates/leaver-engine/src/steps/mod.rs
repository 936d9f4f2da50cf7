//! One module per step kind. Each `run` reads the Hub (or, for `deprovision_app`, the SCIM
//! app) first and writes only what is still needed, then reads back; each `check` looks for a
//! manual step's result without writing.

mod admins;
mod app;
pub(crate) mod footprint;
mod invitation;
mod lost_answer;
mod reassign;
mod refresh;
mod remove;
mod revoke;
mod strip;
mod tokens;
mod verify;

pub(crate) use admins::OrgLocks;

use crate::config::EngineConfig;
use crate::fresh_reads::{FreshReads, Freshness};
use crate::outcome::{Outcome, StepError};
use crate::shared_reads::SharedReads;
use leaver_core::plan::OrgFacts;
use leaver_core::{Case, Step, StepKind, Strategy};
use leaver_hub::{HubClient, WhoAmI};
use leaver_store::HeldToken;

/// What a step's code may use.
pub(crate) struct StepContext<'a> {
    /// For writes and for read-backs after a write.
    pub hub: &'a HubClient,
    /// For reads before a write, shared with the rest of the batch.
    pub reads: &'a SharedReads,
    /// Whole-org reads for `refresh` and `verify`, shared while fresh enough for this job
    /// (`freshness`).
    pub fresh_reads: &'a FreshReads,
    pub freshness: Freshness,
    /// Serializes admin changes per org (see `admins`).
    pub org_locks: &'a OrgLocks,
    /// Raw tokens held for the case (`flag_tokens` settles them).
    pub held_tokens: &'a [HeldToken],
    pub case: &'a Case,
    pub step: &'a Step,
    pub config: &'a EngineConfig,
    /// Leaver's own account (from whoami-v2).
    pub me: &'a WhoAmI,
    /// The org's facts from the index, if the step targets a managed org.
    pub org: Option<&'a OrgFacts>,
}

impl StepContext<'_> {
    /// The leaver's Hub username (a case has steps only once it is known).
    pub fn leaver(&self) -> &str {
        self.case.person.hub_username_text()
    }

    /// The org the step acts on.
    pub fn org_name(&self) -> Result<&str, StepError> {
        self.step.target.org().ok_or_else(|| {
            StepError::Refused(format!("step target {} has no org", self.step.target))
        })
    }
}

/// What running a step came to: its outcome and the facts to keep whatever becomes of it: for
/// `flag_tokens`, the verdicts it reached on held tokens (what the Hub now shows of them); for
/// `verify`, the pass its evidence names, with its whole-org reads.
#[derive(Debug)]
pub(crate) struct Ran {
    pub outcome: Outcome,
    pub verdicts: Vec<HeldToken>,
    pub pass: Option<footprint::PassRecord>,
}

impl From<Outcome> for Ran {
    fn from(outcome: Outcome) -> Ran {
        Ran {
            outcome,
            verdicts: Vec::new(),
            pass: None,
        }
    }
}

/// Carries the step out (or hands it to a human, for manual steps).
pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Ran, StepError> {
    if cx.step.strategy == Strategy::Manual && !cx.step.kind.reads_footprint() {
        return Ok(Ran::from(match check(cx).await? {
            Some(note) => Outcome::done(note),
            None => Outcome::Manual {
                instructions: instructions(cx)?,
            },
        }));
    }
    let outcome = match cx.step.kind {
        StepKind::Refresh => refresh::run(cx).await,
        StepKind::ReassignLastAdmin => reassign::run(cx).await,
        StepKind::StripAccess => strip::run(cx).await,
        StepKind::RevokeGatedAccess => revoke::run(cx).await,
        StepKind::RemoveMember => remove::run(cx).await,
        StepKind::CancelInvitation => invitation::run(cx).await,
        StepKind::DeprovisionApp => app::run(cx).await,
        StepKind::FlagTokens => return tokens::run(cx).await,
        StepKind::Verify => return verify::run(cx).await,
    };
    outcome.map(Ran::from)
}

/// Looks whether a manual step's result shows on the Hub; `Some(note)` when it does. The fresh
/// reads (`refresh`, `verify`) are never manual and never done by looking.
pub(crate) async fn check(cx: &StepContext<'_>) -> Result<Option<String>, StepError> {
    match cx.step.kind {
        StepKind::ReassignLastAdmin => reassign::check(cx).await,
        StepKind::StripAccess => strip::check(cx).await,
        StepKind::RevokeGatedAccess => revoke::check(cx).await,
        StepKind::RemoveMember => remove::check(cx).await,
        StepKind::CancelInvitation => invitation::check(cx).await,
        StepKind::DeprovisionApp => app::check(cx).await,
        StepKind::FlagTokens => Ok(tokens::check(cx)),
        StepKind::Refresh | StepKind::Verify => Ok(None),
    }
}

/// What the operator must do for a manual step, precisely.
fn instructions(cx: &StepContext<'_>) -> Result<String, StepError> {
    let leaver = cx.leaver();
    let org = cx.step.target.org().unwrap_or_default();
    let members = format!("https://huggingface.co/organizations/{org}/settings/members");
    Ok(match cx.step.kind {
        StepKind::ReassignLastAdmin => {
            let successor = cx
                .case
                .successor
                .as_ref()
                .map_or("the successor".into(), ToString::to_string);
            format!(
                "Open {members}, find {successor} and change their role to admin. Leaver checks the member list and continues once {successor} shows as admin."
            )
        }
        StepKind::StripAccess => format!(
            "Open {members}, find {leaver}, set their role to \"no access\" and remove them from every resource group. Leaver checks the member list until it shows."
        ),
        StepKind::RemoveMember => format!(
            "Open {members}, find {leaver} and remove them from {org}. Leaver checks the member list and completes this step once {leaver} is gone."
        ),
        StepKind::RevokeGatedAccess => format!(
            "Open https://huggingface.co/{}/settings (Gated access requests), find {leaver} in the accepted list and reject the request. Leaver checks the accepted list until {leaver} is no longer in it.",
            repo_id(cx)
        ),
        StepKind::CancelInvitation => format!(
            "Open {members} (Invitations), cancel the pending invitation of {leaver}, then mark this step done in Leaver: the Hub offers no API to confirm it."
        ),
        StepKind::FlagTokens => tokens::instructions(leaver, org),
        // Never manual: the app's SCIM API is the only way Leaver knows to it.
        StepKind::DeprovisionApp | StepKind::Refresh | StepKind::Verify => String::new(),
    })
}

fn repo_id(cx: &StepContext<'_>) -> String {
    match &cx.step.target {
        leaver_core::Target::Repo {
            repo_type: leaver_core::RepoType::Model,
            id,
        } => id.clone(),
        leaver_core::Target::Repo { repo_type, id } => format!("{}s/{id}", repo_type.as_str()),
        other => other.to_string(),
    }
}
