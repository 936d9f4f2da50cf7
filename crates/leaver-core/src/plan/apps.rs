//! The SCIM apps beside the Hub (`[[apps]]`: 15Five, 1Password, 8x8...): what a read of each
//! found of the leaver ([`AppFacts`]), the `deprovision_app` steps that calls for, and what a
//! fresh read changes about a case. Pure, and on the Hub's path: the steps join the plan by
//! kind ([`with_apps`]), are approved by the same policy, and are reconciled by `refresh` and
//! `verify` with the same rule as the Hub's access ([`reconcile_apps`], through
//! `reconcile`'s own judge).
//!
//! An app that does not hold the leaver is recorded with the plan, not an error: most people
//! are in some of the apps only.

use super::planner::{Draft, Plan, PlanContext, PlannedStep};
use super::reconcile::{Reconciliation, gone, judge_all, not_started};
use crate::nothing_held::is_nothing_held_reason;
use crate::{Case, SkippedStep, StepId, StepKind, Strategy, Target};
use serde::{Deserialize, Serialize};

/// What deprovisioning does in an app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppAction {
    /// `active: false` (reversible; the app keeps the account and its data).
    #[default]
    Deactivate,
    /// The account is deleted.
    Delete,
}

impl AppAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AppAction::Deactivate => "deactivate",
            AppAction::Delete => "delete",
        }
    }

    /// Reads the configuration's spelling.
    pub fn parse(raw: &str) -> Option<AppAction> {
        [AppAction::Deactivate, AppAction::Delete]
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(raw.trim()))
    }
}

/// The leaver's account in an app, as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppAccount {
    /// The app's SCIM id of the User.
    pub id: String,
    pub active: bool,
}

/// One app, as a read found the leaver there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppFacts {
    /// The configured name (`target` `app:<name>`).
    pub name: String,
    pub action: AppAction,
    /// `None`: the app holds no account matching the leaver.
    pub account: Option<AppAccount>,
}

impl AppFacts {
    /// Whether the app still holds what its action takes away: an active account
    /// (`deactivate`), any account (`delete`).
    pub fn holds(&self) -> bool {
        match (&self.account, self.action) {
            (None, _) => false,
            (Some(account), AppAction::Deactivate) => account.active,
            (Some(_), AppAction::Delete) => true,
        }
    }

    /// What the read found, in words: `active account 2819c2`, `inactive account 2819c2`,
    /// `no account`.
    pub fn finding(&self) -> String {
        match &self.account {
            None => "no account".into(),
            Some(a) if a.active => format!("active account {}", a.id),
            Some(a) => format!("inactive account {}", a.id),
        }
    }

    pub fn target(&self) -> Target {
        Target::App(self.name.clone())
    }
}

/// The step `app` calls for, if it holds the leaver.
fn draft(app: &AppFacts) -> Option<Draft> {
    app.holds().then(|| Draft {
        kind: StepKind::DeprovisionApp,
        target: app.target(),
        strategy: Strategy::Scim,
        why: format!("{} holds an {} of the leaver's", app.name, app.finding()),
    })
}

/// The steps the apps call for, in the apps' order.
fn drafts(apps: &[AppFacts]) -> Vec<Draft> {
    apps.iter().filter_map(draft).collect()
}

/// The SCIM calls a `deprovision_app` step makes, spelled out for the dry run.
fn calls(app: &AppFacts) -> Vec<String> {
    let write = match app.action {
        AppAction::Deactivate => {
            r#"PATCH /Users/<id> {"Operations":[{"op":"replace","path":"active","value":false}]} (PUT of the whole resource where the app's ServiceProviderConfig says PATCH is unsupported)"#
        }
        AppAction::Delete => "DELETE /Users/<id>",
    };
    vec![
        format!(
            r#"GET <{}'s SCIM base>/Users?filter=<match attribute> eq "<the leaver's email>""#,
            app.name
        ),
        write.into(),
        "GET /Users/<id> (read back)".into(),
    ]
}

/// `plan` with the apps' steps in it, by kind, each to be approved. Where an app holds the
/// leaver, the plan no longer waits for "holds nothing Leaver can see" to be confirmed.
pub fn with_apps(mut plan: Plan, apps: &[AppFacts], mut next_id: impl FnMut() -> StepId) -> Plan {
    let added: Vec<PlannedStep> = apps
        .iter()
        .filter_map(|app| draft(app).map(|draft| (app, draft)))
        .map(|(app, draft)| {
            let calls = calls(app);
            let (step, why) = draft.into_step(next_id(), true);
            PlannedStep { step, why, calls }
        })
        .collect();
    if !added.is_empty() {
        plan.blockers.retain(|b| !is_nothing_held_reason(b));
    }
    plan.steps.extend(added);
    plan.steps.sort_by_key(|s| s.step.kind);
    plan
}

/// What a fresh read of `apps` changes about `case`, by `reconcile`'s rule: an account that
/// appeared or came back becomes a step (under the approval given, unless an approver
/// rejected a step of its kind), one gone before its step ran skips it. Apps not in `apps`
/// (not read) are left alone.
pub fn reconcile_apps(
    case: &Case,
    ctx: &PlanContext<'_>,
    apps: &[AppFacts],
    mut next_id: impl FnMut() -> StepId,
) -> Reconciliation {
    let mut blockers = Vec::new();
    let added = judge_all(case, ctx, drafts(apps), &[], &mut next_id, &mut blockers);
    let skipped = case
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::DeprovisionApp && not_started(s.state))
        .filter(|s| apps.iter().any(|a| a.target() == s.target && !a.holds()))
        .map(|s| SkippedStep {
            step: s.id,
            reason: gone(s, ctx.leaver.as_str()),
        })
        .collect();
    Reconciliation {
        added,
        skipped,
        blockers,
    }
}

impl Reconciliation {
    /// Both reads' findings together (the Hub's, then the apps').
    pub fn and(mut self, other: Reconciliation) -> Reconciliation {
        self.added.extend(other.added);
        self.skipped.extend(other.skipped);
        self.blockers.extend(other.blockers);
        self.blockers.sort();
        self.blockers.dedup();
        self
    }
}
