//! `plan::reconcile`: a case's steps against a fresh read of the leaver's footprint, as a table.

mod facts;

use AccessStatus::{Accepted, Pending};
use StepKind::*;
use StepState::*;
use facts::{gated_repo, org, user};
use leaver_core::plan::{
    AccessStatus, HubPlan, MAX_TAKEN_AWAY, OrgFacts, PlanContext, ScimMode, reconcile,
};
use leaver_core::*;

/// What the fresh read shows of bob (and whether carol is still admin of acme-ai).
#[derive(Clone, Copy)]
struct Bob {
    acme: Option<&'static str>,
    beta: Option<&'static str>,
    llama: Option<AccessStatus>,
    faces: Option<AccessStatus>,
    secret: Option<AccessStatus>,
    carol_admin: bool,
    /// `None`: beta-lab shows no invitations at all (not Basic-SSO SCIM).
    beta_invited: Option<bool>,
}

/// bob as planned: `write` in acme-ai, accepted on model:acme-ai/llama.
const AS_PLANNED: Bob = Bob {
    acme: Some("write"),
    beta: None,
    llama: Some(Accepted),
    faces: None,
    secret: None,
    carol_admin: true,
    beta_invited: None,
};

const GONE: Bob = Bob {
    acme: None,
    llama: None,
    ..AS_PLANNED
};

/// acme-ai (team: carol, model llama, dataset faces) and beta-lab (team: dave, model secret).
fn fresh(bob: Bob) -> Vec<OrgFacts> {
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

type Steps = &'static [(StepKind, &'static str, StepState)];

/// The case as approved, its `refresh` running.
const PLANNED: Steps = &[
    (Refresh, "case", Running),
    (StripAccess, "org:acme-ai", Approved),
    (RevokeGatedAccess, "model:acme-ai/llama", Approved),
    (RemoveMember, "org:acme-ai", Approved),
    (FlagTokens, "person:bob", Approved),
    (Verify, "case", Approved),
];

/// The case with everything done, its `verify` running.
const DONE: Steps = &[
    (Refresh, "case", Succeeded),
    (StripAccess, "org:acme-ai", Succeeded),
    (RevokeGatedAccess, "model:acme-ai/llama", Succeeded),
    (RemoveMember, "org:acme-ai", Succeeded),
    (FlagTokens, "person:bob", Succeeded),
    (Verify, "case", Running),
];

struct Row {
    name: &'static str,
    steps: Steps,
    bob: Bob,
    successor: Option<&'static str>,
    /// `kind target`, whether it needs a new approval, and words its reason has.
    added: &'static [(&'static str, bool, &'static str)],
    /// `kind target` and words its reason has.
    skipped: &'static [(&'static str, &'static str)],
    blocked: Option<&'static str>,
}

const fn row(name: &'static str, steps: Steps, bob: Bob) -> Row {
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

const ROWS: &[Row] = &[
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
        added: &[
            (
                "strip_access org:beta-lab",
                false,
                "membership of org:beta-lab (role read) appeared after planning",
            ),
            (
                "remove_member org:beta-lab",
                false,
                "membership of org:beta-lab (role read)",
            ),
        ],
        ..row(
            "an org joined since is stripped and left under the approval given",
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

fn case_with(steps: Steps, successor: Option<&str>) -> Case {
    let ticket = Ticket::parse(&TicketInput {
        external_id: Some("HR-1".into()),
        email: Some("bob@acme.test".into()),
        hub_username: Some("bob".into()),
        manager_email: Some("erin@acme.test".into()),
        successor: successor.map(Into::into),
        ..TicketInput::default()
    })
    .expect("ticket");
    let mut case = Case::open(CaseId::random(), &ticket, time::OffsetDateTime::UNIX_EPOCH);
    case.steps = steps
        .iter()
        .map(|(kind, target, state)| Step {
            state: *state,
            ..Step::planned(
                StepId::random(),
                *kind,
                target.parse().expect("target"),
                Strategy::Api,
            )
        })
        .collect();
    case
}

fn named(case: &Case, id: StepId) -> String {
    let step = case.step(id).expect("a step of the case");
    format!("{} {}", step.kind, step.target)
}

#[test]
fn a_fresh_read_adds_and_skips_steps_by_the_rule() {
    for row in ROWS {
        let case = case_with(row.steps, row.successor);
        let leaver = user("bob");
        let successor = row.successor.map(user);
        let ctx = PlanContext {
            leaver: &leaver,
            successor: successor.as_ref(),
            service_accounts: &[],
            revoke_to: AccessStatus::Rejected,
        };
        let found = reconcile(&case, &ctx, &fresh(row.bob), StepId::random);
        let name = row.name;

        let added: Vec<(String, bool)> = found
            .added
            .iter()
            .map(|a| {
                (
                    format!("{} {}", a.step.kind, a.step.target),
                    a.step.needs_approval,
                )
            })
            .collect();
        let expected: Vec<(String, bool)> = row
            .added
            .iter()
            .map(|(s, approval, _)| (s.to_string(), *approval))
            .collect();
        assert_eq!(added, expected, "{name}: added");
        for (addition, (_, _, words)) in found.added.iter().zip(row.added) {
            assert!(
                addition.reason.contains(words),
                "{name}: {:?} lacks {words:?}",
                addition.reason
            );
        }
        let skipped: Vec<String> = found.skipped.iter().map(|s| named(&case, s.step)).collect();
        let expected: Vec<&str> = row.skipped.iter().map(|(s, _)| *s).collect();
        assert_eq!(skipped, expected, "{name}: skipped");
        for (skip, (_, words)) in found.skipped.iter().zip(row.skipped) {
            assert!(
                skip.reason.contains(words),
                "{name}: {:?} lacks {words:?}",
                skip.reason
            );
        }
        match row.blocked {
            Some(words) => assert!(
                found.blockers.iter().any(|b| b.contains(words)),
                "{name}: {:?}",
                found.blockers
            ),
            None => assert!(found.blockers.is_empty(), "{name}: {:?}", found.blockers),
        }
        assert_eq!(
            found.needing_approval().count(),
            row.added
                .iter()
                .filter(|(_, approval, _)| *approval)
                .count(),
            "{name}"
        );
        assert_eq!(
            found.is_clean(),
            row.added.is_empty() && row.skipped.is_empty() && row.blocked.is_none()
        );
    }
    assert_eq!(MAX_TAKEN_AWAY, 3, "the table's last rows count on it");
}

#[test]
fn a_pending_request_is_nothing_to_take_away_when_requests_are_set_to_pending() {
    let case = case_with(DONE, Some("carol"));
    let leaver = user("bob");
    let ctx = PlanContext {
        leaver: &leaver,
        successor: None,
        service_accounts: &[],
        revoke_to: Pending,
    };
    let pending = fresh(Bob {
        acme: None,
        llama: Some(Pending),
        ..AS_PLANNED
    });
    assert!(reconcile(&case, &ctx, &pending, StepId::random).is_clean());
    let accepted = fresh(Bob {
        acme: None,
        ..AS_PLANNED
    });
    assert_eq!(
        reconcile(&case, &ctx, &accepted, StepId::random)
            .added
            .len(),
        1
    );
}

#[test]
fn the_event_carries_the_additions_and_skips_and_no_change_is_no_event() {
    let case = case_with(PLANNED, Some("carol"));
    let reader = case.steps[0].id;
    let leaver = user("bob");
    let ctx = PlanContext {
        leaver: &leaver,
        successor: None,
        service_accounts: &[],
        revoke_to: AccessStatus::Rejected,
    };
    let clean = reconcile(&case, &ctx, &fresh(AS_PLANNED), StepId::random);
    assert_eq!(clean.into_event(reader), None);
    let changed = reconcile(
        &case,
        &ctx,
        &fresh(Bob {
            faces: Some(Accepted),
            ..GONE
        }),
        StepId::random,
    );
    match changed.into_event(reader) {
        Some(Event::FootprintChanged {
            step,
            added,
            skipped,
        }) => {
            assert_eq!(step, reader);
            assert_eq!((added.len(), skipped.len()), (1, 3));
        }
        other => panic!("expected a footprint change, got {other:?}"),
    }
}
