//! `revoke_gated_access`: the leaver's accepted (or pending) request on a gated repo is
//! rejected (or, by policy, set back to pending).

use super::StepContext;
use crate::discovery::{hub_access_status, hub_repo_type};
use crate::outcome::{Outcome, StepError};
use leaver_core::Target;
use leaver_core::plan::AccessStatus;
use leaver_hub::HubErrorKind;

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Outcome, StepError> {
    if let Some(note) = check(cx).await? {
        return Ok(Outcome::done(note));
    }
    let (repo_type, repo_id) = repo(cx)?;
    let to = hub_access_status(cx.config.revoke_to);
    match cx
        .hub
        .handle_access_request(hub_repo_type(repo_type), repo_id, cx.leaver(), to)
        .await
    {
        // 404: no request, or it already has that status: the read-back decides.
        Err(e) if e.kind() == HubErrorKind::NotFound => {}
        other => other?,
    }
    check(cx).await?.map(Outcome::done).ok_or_else(|| {
        StepError::NotVisible(format!(
            "{} still holds access to {repo_id} after the change",
            cx.leaver()
        ))
    })
}

/// Done when the leaver is in neither the accepted list nor (when rejecting) the pending one.
pub(crate) async fn check(cx: &StepContext<'_>) -> Result<Option<String>, StepError> {
    let (repo_type, repo_id) = repo(cx)?;
    let leaver = cx.leaver();
    let mut lists = vec![AccessStatus::Accepted];
    if cx.config.revoke_to == AccessStatus::Rejected {
        lists.push(AccessStatus::Pending);
    }
    for status in lists {
        let requests = cx
            .hub
            .access_requests(hub_repo_type(repo_type), repo_id, hub_access_status(status))
            .await?;
        if requests
            .iter()
            .any(|r| r.user.as_ref().is_some_and(|u| u.user == leaver))
        {
            return Ok(None);
        }
    }
    Ok(Some(format!("{leaver} holds no access to {repo_id}")))
}

fn repo<'a>(cx: &'a StepContext<'_>) -> Result<(leaver_core::RepoType, &'a str), StepError> {
    match &cx.step.target {
        Target::Repo { repo_type, id } => Ok((*repo_type, id.as_str())),
        other => Err(StepError::Refused(format!("{other} is not a repo"))),
    }
}
