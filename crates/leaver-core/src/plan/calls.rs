//! The Hub calls a planned step will make, spelled out for the dry run (`leaver plan`).

use super::facts::{AccessStatus, OrgFacts, ScimMode};
use super::planner::PlanContext;
use crate::{StepKind, Strategy, Target};

/// The calls, one per line, as `METHOD PATH [body]`; manual steps say what the operator does.
pub fn hub_calls(
    kind: StepKind,
    strategy: Strategy,
    target: &Target,
    ctx: &PlanContext<'_>,
    org: Option<&OrgFacts>,
) -> Vec<String> {
    let leaver = ctx.leaver.as_str();
    let org_name = org.map_or("", |o| o.name.as_str());
    let members = format!("/api/organizations/{org_name}/members");
    match (kind, strategy) {
        (StepKind::ReassignLastAdmin, Strategy::Api) => {
            let successor = ctx.successor.map_or("?", |s| s.as_str());
            vec![
                format!("GET {members}?search={successor}"),
                format!(r#"PUT {members}/{successor}/role {{"role":"admin","resourceGroups":<their current groups>}}"#),
            ]
        }
        (StepKind::StripAccess, Strategy::Api) => {
            vec![format!(r#"PUT {members}/{leaver}/role {{"role":"no_access","resourceGroups":[]}}"#)]
        }
        (StepKind::RevokeGatedAccess, Strategy::Api) => {
            let status = match ctx.revoke_to {
                AccessStatus::Pending => "pending",
                _ => "rejected",
            };
            vec![format!(r#"POST /api/{}/user-access-request/handle {{"user":"{leaver}","status":"{status}"}}"#, repo_path(target))]
        }
        (StepKind::RemoveMember, Strategy::Api) => vec![format!("DELETE {members}/{leaver}")],
        (StepKind::RemoveMember | StepKind::CancelInvitation, Strategy::Scim) => {
            let managed = org.is_some_and(|o| o.scim == ScimMode::Managed);
            let base = format!("/api/organizations/{org_name}/{}", if managed { "scim/v2" } else { "scim-provisioning/v2" });
            let write = if managed {
                format!(r#"PATCH {base}/Users/<id> {{"Operations":[{{"op":"replace","path":"active","value":false}}]}}"#)
            } else {
                format!("DELETE {base}/Users/<id>")
            };
            vec![format!(r#"GET {base}/Users?filter=userName eq "{leaver}""#), write]
        }
        (StepKind::FlagTokens, _) => vec![
            r#"POST /api/credentials/revoke {"credentials":[<the raw tokens handed to Leaver for the case>]}, only if it holds any"#.into(),
            "none for the rest: a person checks each org's Settings → Tokens Management and acknowledges it on the case".into(),
        ],
        (StepKind::Refresh, _) => {
            let mut calls = footprint_reads();
            calls.push("none else: what appeared becomes new steps, what is gone is skipped".into());
            calls
        }
        (StepKind::Verify, _) => {
            let mut calls = footprint_reads();
            calls.push(
                "GET /api/organizations/<each org the case acts on>/audit-log/export?q=type:org.remove_user"
                    .into(),
            );
            calls
        }
        (_, Strategy::Manual) => vec![format!(
            "none: an operator does it on huggingface.co ({}); Leaver polls {} until it shows",
            manual_place(kind, target, org_name),
            poll(kind, target, &members)
        )],
        (_, _) => Vec::new(),
    }
}

/// The fresh reads of the leaver's whole footprint, every managed org and gated repo.
fn footprint_reads() -> Vec<String> {
    vec![
        "GET /api/organizations/<each managed org>/overview and /members (and its SCIM users, for invitations)".into(),
        "GET /api/models and /api/datasets?author=<each managed org>&gated=true".into(),
        "GET /api/<each gated repo>/user-access-request/accepted and /pending".into(),
    ]
}

fn repo_path(target: &Target) -> String {
    match target {
        Target::Repo { repo_type, id } => format!("{}s/{id}", repo_type.as_str()),
        other => other.to_string(),
    }
}

fn manual_place(kind: StepKind, target: &Target, org: &str) -> String {
    match kind {
        StepKind::RevokeGatedAccess => {
            format!("{} → Settings → Gated access requests", repo_path(target))
        }
        _ => format!("{org} → Settings → Members"),
    }
}

fn poll(kind: StepKind, target: &Target, members: &str) -> String {
    match kind {
        StepKind::RevokeGatedAccess => format!(
            "GET /api/{}/user-access-request/accepted",
            repo_path(target)
        ),
        _ => format!("GET {members}"),
    }
}
