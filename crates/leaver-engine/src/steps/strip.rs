//! `strip_access`: role `no_access` and no resource groups, which contains the risk at once.

use super::StepContext;
use super::admins::guard_last_admin;
use super::lost_answer::{answer_lost, not_done};
use crate::outcome::{Outcome, StepError};
use leaver_hub::Member;

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Outcome, StepError> {
    let org = cx.org_name()?;
    let leaver = cx.leaver();
    let Some(member) = cx.reads.member(org, leaver).await? else {
        return Ok(Outcome::done(format!("{leaver} is not a member of {org}")));
    };
    if is_stripped(&member) {
        return Ok(Outcome::done(format!(
            "{leaver} already has no access in {org}"
        )));
    }
    let _change = guard_last_admin(cx, org, &member).await?;
    let writing = cx.reads.writing_members(org);
    let lost = cx.hub.set_member_role(org, leaver, "no_access", &[]).await;
    let written = writing.answered();
    let lost = answer_lost(lost)?;
    let read_back = cx.reads.member_after(org, leaver, written).await?;
    verdict(cx, org, read_back)
        .map(Outcome::done)
        .ok_or_else(|| {
            not_done(
                lost,
                StepError::NotVisible(format!(
                    "{leaver}'s role was changed but {org} does not show no_access yet"
                )),
            )
        })
}

pub(crate) async fn check(cx: &StepContext<'_>) -> Result<Option<String>, StepError> {
    let org = cx.org_name()?;
    let member = cx.reads.member(org, cx.leaver()).await?;
    Ok(verdict(cx, org, member))
}

/// What `member` (the leaver as the Hub shows them) says: `Some(note)` when the step is done.
fn verdict(cx: &StepContext<'_>, org: &str, member: Option<Member>) -> Option<String> {
    let leaver = cx.leaver();
    match member {
        None => Some(format!("{leaver} is not a member of {org}")),
        Some(member) if is_stripped(&member) => Some(format!(
            "{leaver} has role no_access and no resource groups in {org}"
        )),
        Some(_) => None,
    }
}

fn is_stripped(member: &Member) -> bool {
    member.role.as_deref() == Some("no_access") && member.resource_groups.is_empty()
}
