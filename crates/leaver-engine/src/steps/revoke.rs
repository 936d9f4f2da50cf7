//! `revoke_gated_access`: the leaver's accepted (or pending) request on a gated repo is
//! rejected (or, by policy, set back to pending).
//!
//! Rejecting is written without reading the repo's lists first: the write is the same whatever
//! they show (an accepted or pending request becomes rejected; none, or one already rejected,
//! is a 404 that changes nothing), so a read first would buy nothing but two calls per repo.
//! Setting back to pending reads first, as it must not turn a rejected request into a pending
//! one. Either way the read-back decides.

use super::StepContext;
use super::lost_answer::{answer_lost, not_done};
use crate::discovery::{hub_access_status, hub_repo_type};
use crate::outcome::{Outcome, StepError};
use crate::shared_reads::holds;
use leaver_core::Target;
use leaver_hub::{AccessStatus, HubErrorKind, RepoType};

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Outcome, StepError> {
    if cx.config.revoke_to != leaver_core::plan::AccessStatus::Rejected
        && let Some(note) = check(cx).await?
    {
        return Ok(Outcome::done(note));
    }
    let (repo_type, repo_id) = repo(cx)?;
    let leaver = cx.leaver();
    let to = hub_access_status(cx.config.revoke_to);
    let writing = cx.reads.writing_access(repo_type, repo_id, to);
    let lost = match cx
        .hub
        .handle_access_request(repo_type, repo_id, leaver, to)
        .await
    {
        // 404: no request, or it already has that status: the read-back decides.
        Err(e) if e.kind() == HubErrorKind::NotFound => Ok(None),
        other => answer_lost(other),
    };
    let written = writing.answered();
    let lost = lost?;
    // A user has one request per repo, so finding it in the `to` list shows it has left the
    // others: one read back instead of one per list it must not be in.
    if cx
        .reads
        .has_request_after(repo_type, repo_id, to, leaver, written)
        .await?
    {
        return Ok(Outcome::done(format!(
            "{leaver}'s request on {repo_id} is now {}",
            to.as_str()
        )));
    }
    for status in forbidden(cx) {
        let requests = cx.hub.access_requests(repo_type, repo_id, status).await?;
        if holds(&requests, leaver) {
            return Err(not_done(
                lost,
                StepError::NotVisible(format!(
                    "{leaver} still holds access to {repo_id} after the change"
                )),
            ));
        }
    }
    Ok(Outcome::done(no_access(leaver, repo_id)))
}

/// Done when the leaver is in none of the lists they must leave.
pub(crate) async fn check(cx: &StepContext<'_>) -> Result<Option<String>, StepError> {
    let (repo_type, repo_id) = repo(cx)?;
    let leaver = cx.leaver();
    for status in forbidden(cx) {
        if cx
            .reads
            .has_request(repo_type, repo_id, status, leaver)
            .await?
        {
            return Ok(None);
        }
    }
    Ok(Some(no_access(leaver, repo_id)))
}

/// The lists the leaver must not be in: accepted, and pending too when requests are rejected.
fn forbidden(cx: &StepContext<'_>) -> Vec<AccessStatus> {
    match cx.config.revoke_to {
        leaver_core::plan::AccessStatus::Rejected => {
            vec![AccessStatus::Accepted, AccessStatus::Pending]
        }
        _ => vec![AccessStatus::Accepted],
    }
}

fn no_access(leaver: &str, repo_id: &str) -> String {
    format!("{leaver} holds no access to {repo_id}")
}

fn repo<'a>(cx: &'a StepContext<'_>) -> Result<(RepoType, &'a str), StepError> {
    match &cx.step.target {
        Target::Repo { repo_type, id } => Ok((hub_repo_type(*repo_type), id.as_str())),
        other => Err(StepError::Refused(format!("{other} is not a repo"))),
    }
}
