//! `verify`: read the Hub back for every org and repo the case touched, and keep what was read
//! as the case's evidence. Fails (and is retried) while the Hub still shows access.
//!
//! Verify runs after every other step of the case was recorded, so the batch's shared reads
//! (taken after that) are fresh enough; cases verified together share them.

use super::StepContext;
use crate::discovery::hub_repo_type;
use crate::outcome::{Outcome, StepError};
use leaver_core::{StepKind, Target};
use leaver_hub::AccessStatus;
use serde_json::{Value, json};

pub(crate) async fn run(cx: &StepContext<'_>) -> Result<Outcome, StepError> {
    let leaver = cx.leaver();
    let mut problems = Vec::new();
    let mut orgs = Vec::new();
    for org in touched_orgs(cx) {
        let member = cx.reads.member(org, leaver).await?;
        let removal_planned = cx
            .case
            .steps
            .iter()
            .any(|s| s.kind == StepKind::RemoveMember && s.target.org() == Some(org));
        if removal_planned && member.is_some() {
            problems.push(format!("{leaver} is still a member of {org}"));
        }
        let audit = match cx.reads.audit_log(org, Some("type:org.remove_user")).await {
            Ok(events) => json!(events.iter().filter(|e| mentions(&e.data, leaver)).map(|e| json!({
                "type": e.kind, "at": e.created_at, "by": e.author.as_ref().and_then(|a| a.user.clone()),
            })).collect::<Vec<_>>()),
            Err(e) => json!({ "unavailable": e.to_string() }),
        };
        orgs.push(json!({
            "org": org,
            "member": member.map(|m| json!({ "role": m.role, "resource_groups": m.resource_groups.len() })),
            "audit_log": audit,
        }));
    }
    let mut repos = Vec::new();
    for step in cx
        .case
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::RevokeGatedAccess)
    {
        let Target::Repo { repo_type, id } = &step.target else {
            continue;
        };
        let mut holds = Vec::new();
        for status in [AccessStatus::Accepted, AccessStatus::Pending] {
            if cx
                .reads
                .has_request(hub_repo_type(*repo_type), id, status, leaver)
                .await?
            {
                holds.push(status.as_str());
            }
        }
        if holds.contains(&"accepted") {
            problems.push(format!("{leaver} still has accepted access to {id}"));
        }
        repos.push(json!({ "repo": step.target.to_string(), "leaver_in": holds }));
    }
    if !problems.is_empty() {
        return Err(StepError::NotVisible(format!(
            "verification failed: {}",
            problems.join("; ")
        )));
    }
    let note = format!(
        "verified on the Hub: {leaver} holds nothing in {} org(s) and {} gated repo(s)",
        orgs.len(),
        repos.len()
    );
    Ok(Outcome::Done {
        note,
        evidence: json!({ "leaver": leaver, "orgs": orgs, "repos": repos }),
    })
}

fn touched_orgs<'a>(cx: &'a StepContext<'_>) -> Vec<&'a str> {
    let mut orgs: Vec<&str> = cx
        .case
        .steps
        .iter()
        .filter(|s| matches!(s.target, Target::Org(_)))
        .filter_map(|s| s.target.org())
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    orgs
}

fn mentions(data: &Option<Value>, user: &str) -> bool {
    data.as_ref()
        .is_some_and(|d| d.to_string().contains(&format!("\"{user}\"")))
}
