//! The one safety rule every member change obeys: an org keeps a human admin.

use super::StepContext;
use crate::outcome::StepError;
use leaver_core::plan::is_person_staying;
use leaver_hub::Member;

/// Admins who are people: not the leaver, not Leaver's own account, not a service account.
pub(crate) fn other_human_admins<'m>(cx: &StepContext<'_>, members: &'m [Member]) -> Vec<&'m str> {
    members
        .iter()
        .filter(|m| m.role.as_deref() == Some("admin"))
        .map(|m| m.user.as_str())
        .filter(|user| {
            is_person_staying(user, cx.leaver(), &cx.me.name, &cx.config.service_accounts)
        })
        .collect()
}

/// Refuses to demote or remove the leaver if that would leave the org without a human admin —
/// even if the plan thought otherwise (two admins leaving in one batch, say).
pub(crate) async fn guard_last_admin(
    cx: &StepContext<'_>,
    org: &str,
    leaver: &Member,
) -> Result<(), StepError> {
    if leaver.role.as_deref() != Some("admin") {
        return Ok(());
    }
    let members = cx.hub.org_members(org).await?;
    if other_human_admins(cx, &members).is_empty() {
        return Err(StepError::Refused(format!(
            "{} is the last human admin of {org}: promote a successor before demoting or removing them",
            cx.leaver()
        )));
    }
    Ok(())
}
