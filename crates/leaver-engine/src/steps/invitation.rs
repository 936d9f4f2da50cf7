//! `cancel_invitation`: through SCIM on Basic-SSO orgs (the only invitations the Hub exposes);
//! elsewhere an operator cancels it and confirms, since nothing can be read back.

use super::StepContext;
use super::lost_answer::{answer_lost, not_done};
use crate::outcome::{Outcome, StepError};
use leaver_core::plan::ScimMode;
use leaver_hub::ScimBase;

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Outcome, StepError> {
    let org = cx.org_name()?;
    let mut lost = None;
    if let Some(user) = cx
        .hub
        .scim_find_user(org, ScimBase::Basic, cx.leaver())
        .await?
    {
        lost = match cx.hub.scim_delete(org, ScimBase::Basic, &user.id).await {
            Err(e) if e.is_not_found() => None,
            other => answer_lost(other)?,
        };
    }
    check(cx).await?.map(Outcome::done).ok_or_else(|| {
        not_done(
            lost,
            StepError::NotVisible(format!(
                "{}'s invitation to {org} still shows after cancelling",
                cx.leaver()
            )),
        )
    })
}

pub(crate) async fn check(cx: &StepContext<'_>) -> Result<Option<String>, StepError> {
    let org = cx.org_name()?;
    if cx.org.map(|o| o.scim) != Some(ScimMode::Basic) {
        // Nothing to read back: the operator's confirmation is all there is.
        return Ok(cx.step.note.as_ref().map(|note| {
            format!("confirmed by an operator ({note}); the Hub has no API to list invitations")
        }));
    }
    let pending = cx
        .hub
        .scim_find_user(org, ScimBase::Basic, cx.leaver())
        .await?;
    let member = cx.hub.find_member(org, cx.leaver()).await?;
    Ok((pending.is_none() || member.is_some())
        .then(|| format!("no pending invitation for {} in {org}", cx.leaver())))
}
