//! Hand-built org facts for the planner and reconcile tests: an org with Leaver's own account
//! as admin, members with roles, gated models with holders.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the helpers"
)]

use leaver_core::HubUsername;
use leaver_core::RepoType;
use leaver_core::plan::{
    AccessStatus, GatedRepo, HubPlan, MemberFacts, OrgFacts, ScimMode, TokenFacts,
};
use leaver_core::username::Account;
use std::collections::BTreeMap;

pub fn user(name: &str) -> HubUsername {
    HubUsername::parse(name).expect("valid")
}

pub fn org(name: &str, plan: HubPlan, members: &[(&str, &str)]) -> OrgFacts {
    OrgFacts {
        name: name.into(),
        plan,
        scim: ScimMode::None,
        token: TokenFacts {
            user: "leaver-bot".into(),
            role_in_org: Some("admin".into()),
            can_write: true,
        },
        members: members
            .iter()
            .map(|(u, role)| {
                (
                    Account::from(*u),
                    MemberFacts {
                        role: role.to_string(),
                        resource_groups: vec![],
                    },
                )
            })
            .chain([(
                Account::from("leaver-bot"),
                MemberFacts {
                    role: "admin".into(),
                    resource_groups: vec![],
                },
            )])
            .collect(),
        gated_repos: vec![],
        invitations: None,
    }
}

pub fn gated(id: &str, holders: &[(&str, AccessStatus)]) -> GatedRepo {
    gated_repo(RepoType::Model, id, holders)
}

pub fn gated_repo(repo_type: RepoType, id: &str, holders: &[(&str, AccessStatus)]) -> GatedRepo {
    GatedRepo {
        repo_type,
        id: id.into(),
        holders: holders
            .iter()
            .map(|(u, s)| (Account::from(*u), *s))
            .collect::<BTreeMap<_, _>>(),
    }
}
