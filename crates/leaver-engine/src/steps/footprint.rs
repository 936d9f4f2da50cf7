//! The leaver's whole footprint, read afresh, and what it means for the case: every managed
//! org's members (with the SCIM invitations, where the Hub shows any) and the accepted and
//! pending lists of every gated repo, read through the batch's shared reads. Those are taken
//! after the batch was claimed, so after the case started executing (`refresh`) and after its
//! last recorded write (`verify`); the org index's snapshot is never used here.
//! `leaver_core::plan::reconcile` then says what to add and what to skip.

use super::StepContext;
use crate::outcome::{Outcome, StepError};
use leaver_core::StepId;
use leaver_core::plan::{AccessStatus, OrgFacts, reconcile};
use serde_json::{Value, json};
use std::sync::Arc;

/// Every managed org, as read now.
pub(crate) async fn read(cx: &StepContext<'_>) -> Result<Vec<Arc<OrgFacts>>, StepError> {
    let mut orgs = Vec::with_capacity(cx.config.orgs.len());
    for org in &cx.config.orgs {
        orgs.push(cx.reads.org_facts(org, cx.me).await?);
    }
    Ok(orgs)
}

/// What `fresh` changes about the case: `None` when the plan is exactly right, the steps to add
/// and skip otherwise, or a refusal naming why the case cannot go on (a new last admin with no
/// successor, access that keeps coming back): an operator retries the step once that is dealt
/// with.
pub(crate) fn changes(
    cx: &StepContext<'_>,
    fresh: &[Arc<OrgFacts>],
) -> Result<Option<Outcome>, StepError> {
    let ctx = cx.config.plan_context(cx.case);
    let found = reconcile(cx.case, &ctx, fresh, StepId::random);
    if !found.blockers.is_empty() {
        return Err(StepError::Refused(found.blockers.join("; ")));
    }
    if found.is_clean() {
        return Ok(None);
    }
    Ok(Some(Outcome::Replanned {
        added: found.added,
        skipped: found.skipped,
        evidence: snapshot(cx.leaver(), fresh),
    }))
}

/// What was read, naming every org and gated repo with its counts, and what the leaver held in
/// each: the evidence of the read.
pub(crate) fn snapshot(leaver: &str, fresh: &[Arc<OrgFacts>]) -> Value {
    let orgs: Vec<Value> = fresh
        .iter()
        .map(|org| {
            json!({
                "org": org.name,
                "members": org.members.len(),
                "leaver_member": org.members.get(leaver).map(|m| {
                    json!({ "role": m.role, "resource_groups": m.resource_groups.len() })
                }),
                // null: the Hub shows this org's invitations to nobody (only Basic-SSO SCIM does).
                "invitations": org.invitations.as_ref().map(Vec::len),
                "leaver_invited": org.has_invitation_for(leaver),
                "gated_repos": org.gated_repos.len(),
            })
        })
        .collect();
    let repos: Vec<Value> = fresh
        .iter()
        .flat_map(|org| &org.gated_repos)
        .map(|repo| {
            let count = |status| repo.holders.values().filter(|s| **s == status).count();
            json!({
                "repo": format!("{}:{}", repo.repo_type.as_str(), repo.id),
                "accepted": count(AccessStatus::Accepted),
                "pending": count(AccessStatus::Pending),
                "leaver": repo.holders.get(leaver),
            })
        })
        .collect();
    json!({ "leaver": leaver, "orgs": orgs, "repos": repos })
}

/// How much was read, in words: `2 org(s) and 3 gated repo(s)`.
pub(crate) fn extent(fresh: &[Arc<OrgFacts>]) -> String {
    let repos: usize = fresh.iter().map(|o| o.gated_repos.len()).sum();
    format!("{} org(s) and {repos} gated repo(s)", fresh.len())
}
