//! `remove_member`: through the member DELETE endpoint, or through the org's SCIM base.

use super::StepContext;
use super::admins::guard_last_admin;
use super::lost_answer::{answer_lost, not_done};
use crate::outcome::{Outcome, StepError};
use leaver_core::Strategy;
use leaver_core::plan::ScimMode;
use leaver_hub::{HubError, Member, ScimBase};

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Outcome, StepError> {
    let org = cx.org_name()?;
    let leaver = cx.leaver();
    let Some(member) = cx.reads.member(org, leaver).await? else {
        return Ok(Outcome::done(format!("{leaver} is not a member of {org}")));
    };
    let _change = guard_last_admin(cx, org, &member).await?;
    let writing = cx.reads.writing_members(org);
    let lost = if cx.step.strategy == Strategy::Scim {
        remove_through_scim(cx, org).await
    } else {
        match cx.hub.remove_member(org, leaver).await {
            // 404: already gone (a retried DELETE that had succeeded); the read-back decides.
            Err(e) if e.is_not_found() => Ok(None),
            other => answer_lost(other),
        }
    };
    let written = writing.answered();
    let lost = lost?;
    let read_back = cx.reads.member_after(org, leaver, written).await?;
    verdict(cx, org, read_back)
        .map(Outcome::done)
        .ok_or_else(|| {
            not_done(
                lost,
                StepError::NotVisible(format!(
                    "{leaver} still shows as a member of {org} after removal"
                )),
            )
        })
}

/// Managed SSO: deactivate (reversible; the account and its work stay). Basic SSO: delete the
/// SCIM user, which ends the membership and pending invitations and leaves the account alone.
/// `Some(error)`: the answer was lost (see `lost_answer`).
async fn remove_through_scim(
    cx: &StepContext<'_>,
    org: &str,
) -> Result<Option<HubError>, StepError> {
    let base = match cx.org.map(|o| o.scim) {
        Some(ScimMode::Managed) => ScimBase::Managed,
        Some(ScimMode::Basic) => ScimBase::Basic,
        _ => {
            return Err(StepError::Refused(format!(
                "{org} exposes no SCIM endpoint any more: retry as manual"
            )));
        }
    };
    let Some(user) = cx.hub.scim_find_user(org, base, cx.leaver()).await? else {
        return Err(StepError::Refused(format!(
            "{} is a member of {org} but not provisioned through SCIM",
            cx.leaver()
        )));
    };
    let result = match base {
        ScimBase::Managed if user.active == Some(false) => Ok(()),
        ScimBase::Managed => cx.hub.scim_deactivate(org, base, &user.id).await.map(drop),
        ScimBase::Basic => cx.hub.scim_delete(org, base, &user.id).await,
    };
    match result {
        Err(e) if e.is_not_found() => Ok(None),
        other => answer_lost(other),
    }
}

pub(crate) async fn check(cx: &StepContext<'_>) -> Result<Option<String>, StepError> {
    let org = cx.org_name()?;
    let member = cx.reads.member(org, cx.leaver()).await?;
    Ok(verdict(cx, org, member))
}

/// What `member` (the leaver as the Hub shows them) says: `Some(note)` when the step is done.
fn verdict(cx: &StepContext<'_>, org: &str, member: Option<Member>) -> Option<String> {
    member
        .is_none()
        .then(|| format!("{} is no longer a member of {org}", cx.leaver()))
}
