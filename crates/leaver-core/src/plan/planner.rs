//! The planner: ordered steps, each with the strategy the org's plan and Leaver's token allow.

use super::calls::hub_calls;
use super::facts::{AccessStatus, OrgFacts, ScimMode};
use crate::nothing_held::nothing_held_reason;
use crate::username::{lookup, same_account};
use crate::{CaseId, Event, HubUsername, NewStep, StepId, StepKind, Strategy, Target};
use serde::Serialize;

/// What the planner needs besides the orgs' facts.
#[derive(Clone, Debug)]
pub struct PlanContext<'a> {
    pub leaver: &'a HubUsername,
    pub successor: Option<&'a HubUsername>,
    /// Accounts that are automation: they do not count as a remaining admin.
    pub service_accounts: &'a [String],
    /// What the leaver's gated access is set to: `Rejected` (default) or `Pending`.
    pub revoke_to: AccessStatus,
    /// The Hub answered that no account has the leaver's username (asked only when the orgs
    /// show the leaver nowhere).
    pub no_account: bool,
    /// People with another open case, and that case: none of them may be the successor.
    pub leaving: &'a [(HubUsername, CaseId)],
}

/// One step of a plan, with why it is there and the Hub calls it will make.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedStep {
    #[serde(flatten)]
    pub step: NewStep,
    pub why: String,
    pub calls: Vec<String>,
}

/// The plan for one leaver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub steps: Vec<PlannedStep>,
    /// Why the plan cannot run as it is; empty when it can.
    pub blockers: Vec<String>,
}

impl Plan {
    /// The event that records this plan on a case.
    pub fn into_event(self) -> Event {
        let blocked_reason = (!self.blockers.is_empty()).then(|| self.blockers.join("; "));
        Event::Planned {
            steps: self.steps.into_iter().map(|s| s.step).collect(),
            blocked_reason,
        }
    }
}

/// Plans the offboarding of `ctx.leaver` from `orgs`. Steps come out in run order: by kind, then
/// by org in the order given. `next_id` mints step ids.
pub fn plan(ctx: &PlanContext<'_>, orgs: &[OrgFacts], mut next_id: impl FnMut() -> StepId) -> Plan {
    let (mut drafts, mut blockers) = footprint_drafts(ctx, orgs);
    blockers.extend(successor_blockers(ctx));
    if ctx.no_account {
        blockers.insert(0, no_account_reason(ctx.leaver));
    } else if drafts.is_empty() && blockers.is_empty() {
        let names: Vec<&str> = orgs.iter().map(|o| o.name.as_str()).collect();
        blockers.push(nothing_held_reason(ctx.leaver.as_str(), &names));
    }
    drafts.push(Draft {
        kind: StepKind::Refresh,
        target: Target::Case,
        strategy: Strategy::Api,
        why:
            "read the Hub afresh before the first write: what changed since planning is planned too"
                .into(),
    });
    drafts.push(Draft {
        kind: StepKind::FlagTokens,
        target: Target::Person(ctx.leaver.as_str().to_owned()),
        strategy: Strategy::Api,
        why: "removal does not end personal access tokens".into(),
    });
    drafts.push(Draft {
        kind: StepKind::Verify,
        target: Target::Case,
        strategy: Strategy::Api,
        why: "read the whole footprint back and keep it as evidence".into(),
    });
    drafts.sort_by_key(|d| d.kind);
    let steps = drafts
        .into_iter()
        .map(|draft| {
            let calls = draft.calls(ctx, orgs);
            // The reads need no approver (`refresh` waits for the approvers' decisions, though).
            let needs_approval = !draft.kind.reads_footprint();
            let (step, why) = draft.into_step(next_id(), needs_approval);
            PlannedStep { step, why, calls }
        })
        .collect();
    Plan { steps, blockers }
}

/// Whether the orgs show `ctx.leaver` nowhere: no membership, no gated access, no invitation
/// (the engine then asks the Hub whether the account exists at all).
pub fn holds_nothing(ctx: &PlanContext<'_>, orgs: &[OrgFacts]) -> bool {
    footprint_drafts(ctx, orgs).0.is_empty()
}

/// Why a plan for a username no account has cannot run.
fn no_account_reason(leaver: &HubUsername) -> String {
    format!(
        "no Hugging Face account named {leaver}: correct the ticket's Hub username or cancel the case"
    )
}

/// Why the named successor cannot take over: they are the leaver, or leaving too.
fn successor_blockers(ctx: &PlanContext<'_>) -> Vec<String> {
    let Some(successor) = ctx.successor else {
        return Vec::new();
    };
    if successor.is(ctx.leaver.as_str()) {
        return vec![format!(
            "the successor {successor} is {}, the person leaving: name someone who stays",
            ctx.leaver
        )];
    }
    ctx.leaving
        .iter()
        .filter(|(user, _)| successor.is(user.as_str()))
        .map(|(_, case)| {
            format!("successor: {successor} is leaving too (case {case}): name someone who stays")
        })
        .take(1)
        .collect()
}

/// A step the facts call for, before it has an id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Draft {
    pub kind: StepKind,
    pub target: Target,
    pub strategy: Strategy,
    pub why: String,
}

impl Draft {
    fn calls(&self, ctx: &PlanContext<'_>, orgs: &[OrgFacts]) -> Vec<String> {
        let org = self
            .target
            .org()
            .and_then(|name| orgs.iter().find(|o| o.name == name));
        hub_calls(self.kind, self.strategy, &self.target, ctx, org)
    }

    /// The step with its id, and why it is there.
    pub fn into_step(self, id: StepId, needs_approval: bool) -> (NewStep, String) {
        let step = NewStep {
            id,
            kind: self.kind,
            target: self.target,
            strategy: self.strategy,
            needs_approval,
        };
        (step, self.why)
    }
}

/// The steps that take away what the leaver holds in `orgs` (in org order, not yet sorted),
/// and why the plan cannot run as it is.
pub(crate) fn footprint_drafts<'o>(
    ctx: &PlanContext<'_>,
    orgs: impl IntoIterator<Item = &'o OrgFacts>,
) -> (Vec<Draft>, Vec<String>) {
    let leaver = ctx.leaver.as_str();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut blockers = Vec::new();
    let mut draft = |kind, target, strategy, why| {
        drafts.push(Draft {
            kind,
            target,
            strategy,
            why,
        })
    };
    for org in orgs {
        let member = lookup(&org.members, leaver).map(|(_, m)| m);
        let org_target = || Target::Org(org.name.clone());
        let api = org.plan.manages_members_by_api() && org.token.is_admin();
        if same_account(&org.token.user, leaver) {
            blockers.push(format!(
                "Leaver's Hub token belongs to {leaver}, the person leaving: replace LEAVER_HUB_TOKEN first"
            ));
        }
        if let Some(member) = member {
            if org
                .human_admins_besides(leaver, ctx.service_accounts)
                .is_empty()
            {
                let why = format!(
                    "{leaver} is {} and no other person is admin of {}",
                    member.role, org.name
                );
                match ctx.successor {
                    None => blockers.push(format!("{}: name a successor to promote to admin", why)),
                    Some(s) if lookup(&org.members, s.as_str()).is_none() => blockers.push(
                        format!("{why}; the successor {s} is not a member of {}", org.name),
                    ),
                    Some(_) => draft(StepKind::ReassignLastAdmin, org_target(), pick(api), why),
                }
            }
            let why = format!("{leaver} is {} in {}", member.role, org.name);
            let removal = match org.scim {
                ScimMode::Managed | ScimMode::Basic => Strategy::Scim,
                ScimMode::None => pick(api),
            };
            if strip_contains_risk(removal) {
                draft(StepKind::StripAccess, org_target(), pick(api), why.clone());
            }
            draft(StepKind::RemoveMember, org_target(), removal, why);
        }
        for repo in &org.gated_repos {
            let Some((_, status)) = lookup(&repo.holders, leaver) else {
                continue;
            };
            if !status.is_held(ctx.revoke_to) {
                continue;
            }
            let why = format!(
                "{leaver}'s access request is {status:?} on gated {} {}",
                repo.repo_type.as_str(),
                repo.id
            );
            let target = Target::Repo {
                repo_type: repo.repo_type,
                id: repo.id.clone(),
            };
            let strategy = pick(org.token.can_write_repos());
            draft(
                StepKind::RevokeGatedAccess,
                target,
                strategy,
                why.to_lowercase(),
            );
        }
        if org.has_invitation_for(leaver) {
            let strategy = if org.scim == ScimMode::Basic {
                Strategy::Scim
            } else {
                Strategy::Manual
            };
            let why = format!("{leaver} has a pending invitation to {}", org.name);
            draft(StepKind::CancelInvitation, org_target(), strategy, why);
        }
    }
    (drafts, blockers)
}

/// Whether a `strip_access` step is worth its write before `removal`. Stripping the role
/// contains the risk while the removal waits: for a person to do it (manual) or for the IdP's
/// deprovisioning to go through (SCIM). A removal through the member API follows the strip at
/// once, in the same run, and fails only when the Hub does, which fails the strip too: the strip
/// would protect nothing for a write and a read-back per leaver (measured by `cargo bench -p
/// leaver-engine --bench layoff`), so it is not planned then.
fn strip_contains_risk(removal: Strategy) -> bool {
    removal != Strategy::Api
}

/// `api` where the plan and the token allow it, else a guided manual step that is verified.
fn pick(api: bool) -> Strategy {
    if api { Strategy::Api } else { Strategy::Manual }
}
