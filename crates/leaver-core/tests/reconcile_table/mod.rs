//! The world and the rows of the reconcile table: what a fresh read shows of bob, the case's
//! steps, and what reconciling them must add, skip or block on.

use crate::facts::{gated_repo, org};
use AccessStatus::{Accepted, Pending};
use StepKind::*;
use StepState::*;
use leaver_core::plan::{AccessStatus, HubPlan, OrgFacts, ScimMode};
use leaver_core::{RepoType, StepKind, StepState};

/// What the fresh read shows of bob (and whether carol is still admin of acme-ai).
#[derive(Clone, Copy)]
pub struct Bob {
    pub acme: Option<&'static str>,
    pub beta: Option<&'static str>,
    pub llama: Option<AccessStatus>,
    pub faces: Option<AccessStatus>,
    pub secret: Option<AccessStatus>,
    pub carol_admin: bool,
    /// `None`: beta-lab shows no invitations at all (not Basic-SSO SCIM).
    pub beta_invited: Option<bool>,
}

/// bob as planned: `write` in acme-ai, accepted on model:acme-ai/llama.
pub const AS_PLANNED: Bob = Bob {
    acme: Some("write"),
    beta: None,
    llama: Some(Accepted),
    faces: None,
    secret: None,
    carol_admin: true,
    beta_invited: None,
};

pub const GONE: Bob = Bob {
    acme: None,
    llama: None,
    ..AS_PLANNED
};

/// acme-ai (team: carol, model llama, dataset faces) and beta-lab (team: dave, model secret).
pub fn fresh(bob: Bob) -> Vec<OrgFacts> {
    let carol = if bob.carol_admin { "admin" } else { "write" };
    let with_bob = |role: Option<&'static str>, others: Vec<(&'static str, &'static str)>| {
        others
            .into_iter()
            .chain(role.map(|r| ("bob", r)))
            .collect::<Vec<_>>()
    };
    let holders =
        |status: Option<AccessStatus>| status.map(|s| vec![("bob", s)]).unwrap_or_default();
    let mut acme = org(
        "acme-ai",
        HubPlan::Team,
        &with_bob(bob.acme, vec![("carol", carol)]),
    );
    // Leaver's own account is not a person who stays admin.
    acme.token.user = "leaver-bot".into();
    acme.gated_repos = vec![
        gated_repo(RepoType::Model, "acme-ai/llama", &holders(bob.llama)),
        gated_repo(RepoType::Dataset, "acme-ai/faces", &holders(bob.faces)),
    ];
    let mut beta = org(
        "beta-lab",
        HubPlan::Team,
        &with_bob(bob.beta, vec![("dave", "admin")]),
    );
    beta.gated_repos = vec![gated_repo(
        RepoType::Model,
        "beta-lab/secret",
        &holders(bob.secret),
    )];
    if let Some(invited) = bob.beta_invited {
        beta.scim = ScimMode::Basic;
        beta.invitations = Some(if invited { vec!["bob".into()] } else { vec![] });
    }
    vec![acme, beta]
}

pub type Steps = &'static [(StepKind, &'static str, StepState)];

/// The case as approved, its `refresh` running.
pub const PLANNED: Steps = &[
    (Refresh, "case", Running),
    (StripAccess, "org:acme-ai", Approved),
    (RevokeGatedAccess, "model:acme-ai/llama", Approved),
    (RemoveMember, "org:acme-ai", Approved),
    (FlagTokens, "person:bob", Approved),
    (Verify, "case", Approved),
];

/// The case with everything done, its `verify` running.
pub const DONE: Steps = &[
    (Refresh, "case", Succeeded),
    (StripAccess, "org:acme-ai", Succeeded),
    (RevokeGatedAccess, "model:acme-ai/llama", Succeeded),
    (RemoveMember, "org:acme-ai", Succeeded),
    (FlagTokens, "person:bob", Succeeded),
    (Verify, "case", Running),
];

pub struct Row {
    pub name: &'static str,
    pub steps: Steps,
    pub bob: Bob,
    pub successor: Option<&'static str>,
    /// `kind target`, whether it needs a new approval, and words its reason has.
    pub added: &'static [(&'static str, bool, &'static str)],
    /// `kind target` and words its reason has.
    pub skipped: &'static [(&'static str, &'static str)],
    pub blocked: Option<&'static str>,
}

pub const fn row(name: &'static str, steps: Steps, bob: Bob) -> Row {
    Row {
        name,
        steps,
        bob,
        successor: Some("carol"),
        added: &[],
        skipped: &[],
        blocked: None,
    }
}

pub const ROWS: &[Row] = &[
    row(
        "the read shows what was planned: nothing changes",
        PLANNED,
        AS_PLANNED,
    ),
    Row {
        added: &[
            (
                "revoke_gated_access dataset:acme-ai/faces",
                false,
                "grant on dataset:acme-ai/faces appeared after planning",
            ),
            (
                "revoke_gated_access model:beta-lab/secret",
                false,
                "pending access request on model:beta-lab/secret appeared after planning",
            ),
        ],
        ..row(
            "a grant and a pending request that appeared run under the approval given",
            PLANNED,
            Bob {
                faces: Some(Accepted),
                secret: Some(Pending),
                ..AS_PLANNED
            },
        )
    },
    Row {
        added: &[(
            "remove_member org:beta-lab",
            false,
            "membership of org:beta-lab (role read) appeared after planning",
        )],
        ..row(
            "an org joined since is left under the approval given (removed through the API, so not stripped first)",
            PLANNED,
            Bob {
                beta: Some("read"),
                ..AS_PLANNED
            },
        )
    },
    Row {
        added: &[(
            "cancel_invitation org:beta-lab",
            false,
            "invitation to org:beta-lab appeared after planning",
        )],
        ..row(
            "an invitation the Hub shows since is cancelled",
            PLANNED,
            Bob {
                beta_invited: Some(true),
                ..AS_PLANNED
            },
        )
    },
    Row {
        skipped: &[
            (
                "strip_access org:acme-ai",
                "bob is no longer a member of acme-ai: access gone before execution",
            ),
            (
                "revoke_gated_access model:acme-ai/llama",
                "bob holds no access to model:acme-ai/llama any more: access gone before execution",
            ),
            ("remove_member org:acme-ai", "access gone before execution"),
        ],
        ..row(
            "access gone before execution skips the steps not started",
            PLANNED,
            GONE,
        )
    },
    Row {
        skipped: &[("remove_member org:acme-ai", "no longer a member")],
        ..row(
            "a step started, done or failed is never skipped",
            &[
                (StripAccess, "org:acme-ai", Succeeded),
                (RevokeGatedAccess, "model:acme-ai/llama", Failed),
                (RemoveMember, "org:acme-ai", Approved),
                (CancelInvitation, "org:acme-ai", WaitingManual),
            ],
            GONE,
        )
    },
    row(
        "a step on an org the read did not cover is left alone",
        &[(StripAccess, "org:gamma", Approved)],
        GONE,
    ),
    row(
        "an invitation step where the Hub shows no invitations at all is left alone",
        &[(CancelInvitation, "org:beta-lab", Approved)],
        GONE,
    ),
    Row {
        skipped: &[(
            "cancel_invitation org:beta-lab",
            "shows no invitation for bob",
        )],
        ..row(
            "an invitation step where the Hub shows none for the leaver is skipped",
            &[(CancelInvitation, "org:beta-lab", Approved)],
            Bob {
                beta_invited: Some(false),
                ..GONE
            },
        )
    },
    Row {
        added: &[(
            "reassign_last_admin org:acme-ai",
            true,
            "org:acme-ai has no human admin but bob since planning: promoting carol needs a new approval",
        )],
        ..row(
            "a new last-admin situation asks for approval again",
            PLANNED,
            Bob {
                carol_admin: false,
                ..AS_PLANNED
            },
        )
    },
    Row {
        successor: None,
        blocked: Some("name a successor"),
        ..row(
            "a new last admin with no successor named blocks",
            PLANNED,
            Bob {
                acme: Some("admin"),
                carol_admin: false,
                ..AS_PLANNED
            },
        )
    },
    Row {
        skipped: &[(
            "reassign_last_admin org:acme-ai",
            "no longer the last human admin",
        )],
        ..row(
            "a promotion no longer needed is skipped",
            &[
                (ReassignLastAdmin, "org:acme-ai", AwaitingApproval),
                (StripAccess, "org:acme-ai", AwaitingApproval),
                (RevokeGatedAccess, "model:acme-ai/llama", AwaitingApproval),
                (RemoveMember, "org:acme-ai", AwaitingApproval),
            ],
            AS_PLANNED,
        )
    },
    Row {
        added: &[(
            "remove_member org:beta-lab",
            true,
            "an approver rejected a remove_member step of this case, so it needs a new approval",
        )],
        ..row(
            "a step of a kind an approver rejected asks again",
            &[
                (StripAccess, "org:acme-ai", Approved),
                (RevokeGatedAccess, "model:acme-ai/llama", Approved),
                (RemoveMember, "org:acme-ai", Rejected),
            ],
            Bob {
                beta: Some("read"),
                ..AS_PLANNED
            },
        )
    },
    row(
        "a step an approver rejected is not added again",
        &[(RevokeGatedAccess, "model:acme-ai/llama", Rejected)],
        Bob {
            acme: None,
            ..AS_PLANNED
        },
    ),
    Row {
        added: &[(
            "revoke_gated_access model:acme-ai/llama",
            false,
            "grant on model:acme-ai/llama came back after it was taken away",
        )],
        ..row(
            "access back after it was taken away is taken away again (verify, drift)",
            DONE,
            Bob {
                acme: None,
                ..AS_PLANNED
            },
        )
    },
    Row {
        blocked: Some("came back after being taken away 3 times"),
        ..row(
            "access back after three takings away blocks",
            &[
                (RevokeGatedAccess, "model:acme-ai/llama", Succeeded),
                (RevokeGatedAccess, "model:acme-ai/llama", Succeeded),
                (RevokeGatedAccess, "model:acme-ai/llama", Succeeded),
            ],
            Bob {
                acme: None,
                ..AS_PLANNED
            },
        )
    },
    row("verify's clean read: the leaver holds nothing", DONE, GONE),
];
