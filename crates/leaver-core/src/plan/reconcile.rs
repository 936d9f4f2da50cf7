//! A case against a fresh read of the leaver's footprint: the steps to add for access that
//! appeared, the steps to skip for access that is gone, and which additions need a new approval.
//! Pure. The engine asks it before a case's first write (`refresh`) and after its last
//! (`verify`); the drift watch asks it about completed cases.
//!
//! The rule:
//! - The fresh read is planned as a new case would be ([`super::plan`]). A step it calls for is
//!   *covered* when the case has one of the same kind on the same target that has not ended
//!   (planned, awaiting approval, approved, running, failed, waiting for a human) or that an
//!   approver rejected: a fresh read never overrides a no. Every uncovered one is added, with
//!   why: a grant or a pending request on a gated repo, a membership (strip, then remove), an
//!   invitation the Hub shows.
//! - Additions run under the approval already given: the approvers approved "take everything
//!   away" (`refresh` runs only once all of them decided), and one more grant or an org joined
//!   since is the same intent. Two kinds of addition ask again: promoting a successor where the
//!   leaver became the last human admin, always; and a step of a kind an approver rejected in
//!   this case. With no successor who is a member, the read is blocked, with the reason.
//! - A step not started yet (planned, awaiting approval, approved) whose target the read shows
//!   nothing left on is skipped: "access gone before execution". Only what the read could see
//!   is judged: a step on an org the read did not cover, or an invitation where the Hub shows
//!   none at all, is left alone.
//! - Access that comes back after being taken away [`MAX_TAKEN_AWAY`] times blocks instead of
//!   being added once more: someone keeps granting it, and an operator must find out who.

use super::facts::{AccessStatus, OrgFacts};
use super::planner::{Draft, PlanContext, footprint_drafts};
use crate::{AddedStep, Case, Event, SkippedStep, Step, StepId, StepKind, StepState, Target};
use std::borrow::Borrow;

/// How many times one access may be taken away from a case before its return blocks the case.
pub const MAX_TAKEN_AWAY: usize = 3;

/// What a fresh read changes about a case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reconciliation {
    /// Steps for access that appeared, in run order, each with why; those with
    /// `needs_approval` wait for a new approval.
    pub added: Vec<AddedStep>,
    /// Steps not started whose access is gone.
    pub skipped: Vec<SkippedStep>,
    /// Why the case cannot go on as it is (a new last admin with no successor, say).
    pub blockers: Vec<String>,
}

impl Reconciliation {
    /// Whether the read found the case's plan exactly right.
    pub fn is_clean(&self) -> bool {
        self.added.is_empty() && self.skipped.is_empty() && self.blockers.is_empty()
    }

    /// The additions that must be approved again.
    pub fn needing_approval(&self) -> impl Iterator<Item = &AddedStep> {
        self.added.iter().filter(|a| a.step.needs_approval)
    }

    /// The event recording the additions and skips, as read by the case's `step`; `None`
    /// when there are neither. Blockers are not in it: the reading step fails with them.
    pub fn into_event(self, step: StepId) -> Option<Event> {
        (!self.added.is_empty() || !self.skipped.is_empty()).then_some(Event::FootprintChanged {
            step,
            added: self.added,
            skipped: self.skipped,
        })
    }
}

/// Compares `case` with `fresh`, every managed org as read now (owned, borrowed or shared).
/// `next_id` mints the ids of added steps.
pub fn reconcile<F: Borrow<OrgFacts>>(
    case: &Case,
    ctx: &PlanContext<'_>,
    fresh: &[F],
    mut next_id: impl FnMut() -> StepId,
) -> Reconciliation {
    let fresh: Vec<&OrgFacts> = fresh.iter().map(Borrow::borrow).collect();
    let fresh = fresh.as_slice();
    let leaver = ctx.leaver.as_str();
    let (mut drafts, mut blockers) = footprint_drafts(ctx, fresh.iter().copied());
    drafts.sort_by_key(|d| d.kind);
    let called_for: Vec<(StepKind, Target)> =
        drafts.iter().map(|d| (d.kind, d.target.clone())).collect();
    let added = judge_all(case, ctx, drafts, fresh, &mut next_id, &mut blockers);
    let skipped = case
        .steps
        .iter()
        .filter(|s| s.kind.acts_on_footprint() && not_started(s.state))
        .filter(|s| nothing_left(s, fresh, &called_for))
        .map(|s| SkippedStep {
            step: s.id,
            reason: gone(s, leaver),
        })
        .collect();
    blockers.sort();
    blockers.dedup();
    Reconciliation {
        added,
        skipped,
        blockers,
    }
}

/// The steps to add of those a fresh read calls for (`drafts`, in run order); what blocks
/// goes to `blockers`.
pub(super) fn judge_all(
    case: &Case,
    ctx: &PlanContext<'_>,
    drafts: Vec<Draft>,
    fresh: &[&OrgFacts],
    next_id: &mut impl FnMut() -> StepId,
    blockers: &mut Vec<String>,
) -> Vec<AddedStep> {
    let mut added = Vec::new();
    for draft in drafts {
        match judge(case, ctx, &draft, fresh) {
            Verdict::Covered => {}
            Verdict::Blocks(why) => blockers.push(why),
            Verdict::Add {
                needs_approval,
                reason,
            } => {
                let (step, _) = draft.into_step(next_id(), needs_approval);
                added.push(AddedStep { step, reason });
            }
        }
    }
    added
}

/// What to do about one step the fresh read calls for.
enum Verdict {
    /// The case has it already.
    Covered,
    Add {
        needs_approval: bool,
        reason: String,
    },
    /// The access came back too often.
    Blocks(String),
}

fn judge(case: &Case, ctx: &PlanContext<'_>, draft: &Draft, fresh: &[&OrgFacts]) -> Verdict {
    let leaver = ctx.leaver.as_str();
    let same = |s: &&Step| s.kind == draft.kind && s.target == draft.target;
    if case.steps.iter().filter(same).any(|s| covers(s.state)) {
        return Verdict::Covered;
    }
    let taken_away = case
        .steps
        .iter()
        .filter(same)
        .filter(|s| s.state == StepState::Succeeded)
        .count();
    let what = what_is_held(draft, fresh, leaver);
    if taken_away >= MAX_TAKEN_AWAY {
        return Verdict::Blocks(format!(
            "{what} came back after being taken away {taken_away} times: find out who keeps granting it before retrying"
        ));
    }
    let when = if taken_away > 0 {
        "came back after it was taken away"
    } else {
        "appeared after planning"
    };
    let rejected_kind = case
        .steps
        .iter()
        .any(|s| s.kind == draft.kind && s.state == StepState::Rejected);
    let reason = match ctx.successor {
        Some(successor) if draft.kind == StepKind::ReassignLastAdmin => format!(
            "{} has no human admin but {leaver} since planning: promoting {successor} needs a new approval",
            draft.target
        ),
        _ if rejected_kind => format!(
            "{what} {when}: an approver rejected a {} step of this case, so it needs a new approval",
            draft.kind
        ),
        _ => format!("{what} {when}"),
    };
    let needs_approval = draft.kind == StepKind::ReassignLastAdmin || rejected_kind;
    Verdict::Add {
        needs_approval,
        reason,
    }
}

/// Whether a step in `state` still stands for its target: it may yet run, or an approver said no.
fn covers(state: StepState) -> bool {
    !matches!(state, StepState::Succeeded | StepState::Skipped)
}

pub(super) fn not_started(state: StepState) -> bool {
    matches!(
        state,
        StepState::Planned | StepState::AwaitingApproval | StepState::Approved
    )
}

/// Whether the read saw `step`'s target and the fresh plan (`called_for`) has no step like it.
fn nothing_left(step: &Step, fresh: &[&OrgFacts], called_for: &[(StepKind, Target)]) -> bool {
    let Some(org) = step
        .target
        .org()
        .and_then(|name| fresh.iter().find(|o| o.name == name))
    else {
        return false;
    };
    if step.kind == StepKind::CancelInvitation && org.invitations.is_none() {
        return false;
    }
    !called_for
        .iter()
        .any(|(kind, target)| same_holding(*kind, step.kind) && *target == step.target)
}

/// Whether steps of kinds `a` and `b` take away the same holding: a membership is stripped and
/// removed, and a plan may call for the removal alone (see the planner's
/// `strip_contains_risk`), so a strip planned earlier is not "gone" while the membership stands.
fn same_holding(a: StepKind, b: StepKind) -> bool {
    let membership = |k| matches!(k, StepKind::StripAccess | StepKind::RemoveMember);
    a == b || (membership(a) && membership(b))
}

/// The leaver's status on a gated repo, as read.
fn held_status(fresh: &[&OrgFacts], target: &Target, leaver: &str) -> Option<AccessStatus> {
    let Target::Repo { repo_type, id } = target else {
        return None;
    };
    fresh
        .iter()
        .flat_map(|o| &o.gated_repos)
        .find(|r| r.repo_type == *repo_type && &r.id == id)
        .and_then(|r| crate::username::lookup(&r.holders, leaver).map(|(_, s)| *s))
}

/// What the leaver holds that `draft` takes away, in words (`grant on model:acme-ai/x`).
fn what_is_held(draft: &Draft, fresh: &[&OrgFacts], leaver: &str) -> String {
    let target = &draft.target;
    match draft.kind {
        StepKind::RevokeGatedAccess => match held_status(fresh, target, leaver) {
            Some(AccessStatus::Pending) => format!("pending access request on {target}"),
            _ => format!("grant on {target}"),
        },
        StepKind::StripAccess | StepKind::RemoveMember => {
            let role = target
                .org()
                .and_then(|name| fresh.iter().find(|o| o.name == name))
                .and_then(|o| crate::username::lookup(&o.members, leaver).map(|(_, m)| m))
                .map_or("member", |m| m.role.as_str());
            format!("membership of {target} (role {role})")
        }
        StepKind::CancelInvitation => format!("invitation to {target}"),
        StepKind::ReassignLastAdmin => format!("{target} with no human admin but {leaver}"),
        StepKind::DeprovisionApp => format!("account in {target}"),
        StepKind::Refresh | StepKind::FlagTokens | StepKind::Verify => target.to_string(),
    }
}

/// Why `step` will not run: what the read no longer shows.
pub(super) fn gone(step: &Step, leaver: &str) -> String {
    let target = &step.target;
    let org = target.org().unwrap_or_default();
    let what = match step.kind {
        StepKind::RevokeGatedAccess => format!("{leaver} holds no access to {target} any more"),
        StepKind::StripAccess | StepKind::RemoveMember => {
            format!("{leaver} is no longer a member of {org}")
        }
        StepKind::CancelInvitation => format!("{org} shows no invitation for {leaver} any more"),
        StepKind::ReassignLastAdmin => {
            format!("{leaver} is no longer the last human admin of {org}")
        }
        StepKind::DeprovisionApp => {
            format!("{target} holds no active account of {leaver} any more")
        }
        StepKind::Refresh | StepKind::FlagTokens | StepKind::Verify => target.to_string(),
    };
    format!("{what}: access gone before execution")
}
