//! Reading one org from the Hub into the planner's [`OrgFacts`]: the org's plan, its SCIM base
//! (found by probing), its members with roles, its gated repos and who holds access to each.

use leaver_core::RepoType;
use leaver_core::plan::{
    AccessStatus, GatedRepo, HubPlan, MemberFacts, OrgFacts, ScimMode, TokenFacts,
};
use leaver_core::username::{Account, lookup};
use leaver_hub::{HubClient, HubError, HubErrorKind, ScimBase, WhoAmI};
use std::collections::BTreeMap;

/// The Hub's repo types that can be gated (Spaces have no `gated` filter).
const GATEABLE: [(RepoType, leaver_hub::RepoType); 2] = [
    (RepoType::Model, leaver_hub::RepoType::Model),
    (RepoType::Dataset, leaver_hub::RepoType::Dataset),
];

/// The Hub's repo type for one of ours.
pub(crate) fn hub_repo_type(repo_type: RepoType) -> leaver_hub::RepoType {
    match repo_type {
        RepoType::Model => leaver_hub::RepoType::Model,
        RepoType::Dataset => leaver_hub::RepoType::Dataset,
        RepoType::Space => leaver_hub::RepoType::Space,
    }
}

/// The Hub's access status for one of ours.
pub(crate) fn hub_access_status(status: AccessStatus) -> leaver_hub::AccessStatus {
    match status {
        AccessStatus::Pending => leaver_hub::AccessStatus::Pending,
        AccessStatus::Accepted => leaver_hub::AccessStatus::Accepted,
        AccessStatus::Rejected => leaver_hub::AccessStatus::Rejected,
    }
}

/// What Leaver's token may do in `org`, from `whoami-v2`.
pub fn token_facts(me: &WhoAmI, org: &str) -> TokenFacts {
    let role_in_org = me
        .orgs
        .iter()
        .find(|o| o.name == org)
        .and_then(|o| o.role_in_org.clone());
    let can_write = me
        .auth
        .as_ref()
        .and_then(|a| a.access_token.as_ref())
        .and_then(|t| t.role.as_deref())
        .is_none_or(|role| role != "read");
    TokenFacts {
        user: me.name.clone(),
        role_in_org,
        can_write,
    }
}

/// Reads everything the planner needs about `org`: about `3 + 2 × gated repos` calls, plus
/// pagination.
pub async fn read_org(hub: &HubClient, org: &str, me: &WhoAmI) -> Result<OrgFacts, HubError> {
    let overview = hub.org_overview(org).await?;
    let members = hub
        .org_members(org)
        .await?
        .into_iter()
        .map(|m| {
            let groups = m
                .resource_groups
                .iter()
                .map(|g| g.name.clone().unwrap_or_else(|| g.id.clone()))
                .collect();
            (
                Account::from(m.user),
                MemberFacts {
                    role: m.role.unwrap_or_else(|| "read".into()),
                    resource_groups: groups,
                },
            )
        })
        .collect::<BTreeMap<_, _>>();
    let (scim, invitations) = probe_scim(hub, org, &members).await?;
    let mut gated_repos = Vec::new();
    for (repo_type, hub_type) in GATEABLE {
        for repo in hub.list_repos(hub_type, org, true).await? {
            if !repo.gated.is_gated() {
                continue;
            }
            let mut holders = BTreeMap::new();
            for status in [AccessStatus::Accepted, AccessStatus::Pending] {
                for request in hub
                    .access_requests(hub_type, &repo.id, hub_access_status(status))
                    .await?
                {
                    if let Some(user) = request.user {
                        holders.insert(Account::from(user.user), status);
                    }
                }
            }
            gated_repos.push(GatedRepo {
                repo_type,
                id: repo.id,
                holders,
            });
        }
    }
    Ok(OrgFacts {
        name: org.to_owned(),
        plan: HubPlan::from_hub(overview.plan.as_deref()),
        scim,
        token: token_facts(me, org),
        members,
        gated_repos,
        invitations,
    })
}

/// Which SCIM base answers, if any. On Basic SSO the SCIM users who are not members are the
/// pending invitations, the only invitations the Hub lets us see.
async fn probe_scim(
    hub: &HubClient,
    org: &str,
    members: &BTreeMap<Account, MemberFacts>,
) -> Result<(ScimMode, Option<Vec<String>>), HubError> {
    let absent = |e: &HubError| {
        matches!(
            e.kind(),
            HubErrorKind::NotFound
                | HubErrorKind::Forbidden
                | HubErrorKind::Unauthorized
                | HubErrorKind::PaymentRequired
        )
    };
    match hub
        .scim_users(org, ScimBase::Managed, Some(r#"userName eq "-""#))
        .await
    {
        Ok(_) => return Ok((ScimMode::Managed, None)),
        Err(e) if absent(&e) => {}
        Err(e) => return Err(e),
    }
    match hub.scim_users(org, ScimBase::Basic, None).await {
        Ok(users) => {
            let invited = users
                .into_iter()
                .map(|u| u.user_name)
                .filter(|u| lookup(members, u).is_none())
                .collect();
            Ok((ScimMode::Basic, Some(invited)))
        }
        Err(e) if absent(&e) => Ok((ScimMode::None, None)),
        Err(e) => Err(e),
    }
}
