//! `reassign_last_admin`: make sure the org keeps a human admin by promoting the successor.

use super::StepContext;
use super::admins::other_human_admins;
use super::lost_answer::{answer_lost, not_done};
use crate::outcome::{Outcome, StepError};
use leaver_hub::Member;

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Outcome, StepError> {
    let org = cx.org_name()?;
    // Read afresh, not from the batch's shared list: another admin may be leaving in this very
    // batch, and only a fresh list shows whether a person really remains.
    if let Some(note) = verdict(cx, org, &cx.hub.org_members(org).await?) {
        return Ok(Outcome::done(note));
    }
    let successor = successor(cx)?;
    let member = cx.reads.member(org, successor).await?.ok_or_else(|| {
        StepError::Refused(format!(
            "the successor {successor} is not a member of {org}: name another one"
        ))
    })?;
    let lost = answer_lost(
        cx.hub
            .set_member_role(org, successor, "admin", &member.resource_group_roles())
            .await,
    )?;
    let read_back = cx.hub.org_members(org).await?;
    verdict(cx, org, &read_back)
        .map(Outcome::done)
        .ok_or_else(|| {
            not_done(
                lost,
                StepError::NotVisible(format!(
                    "{successor} was promoted but does not show as admin of {org} yet"
                )),
            )
        })
}

pub(crate) async fn check(cx: &StepContext<'_>) -> Result<Option<String>, StepError> {
    let org = cx.org_name()?;
    let members = cx.reads.members(org).await?;
    Ok(verdict(cx, org, &members))
}

/// Done when another person is admin of the org (the successor, or someone promoted meanwhile).
fn verdict(cx: &StepContext<'_>, org: &str, members: &[Member]) -> Option<String> {
    let admins = other_human_admins(cx, members);
    let successor = cx.case.successor.as_ref().map(|s| s.as_str());
    let chosen = admins
        .iter()
        .find(|a| Some(**a) == successor)
        .or(admins.first());
    chosen.map(|admin| format!("{admin} is admin of {org}"))
}

fn successor<'a>(cx: &'a StepContext<'_>) -> Result<&'a str, StepError> {
    cx.case
        .successor
        .as_ref()
        .map(|s| s.as_str())
        .ok_or_else(|| StepError::Refused("no successor is named for the last admin".into()))
}
