//! JSON shapes shared by several endpoints (org summaries, a member's resource groups).

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::audit::avatar_url;
use crate::ids;
use crate::seed::{MemberSeed, OrgSeed, Plan, RepoType};
use crate::state::World;

/// The wire name of a plan. Free orgs carry no `plan` at all: the Hub's plan enum
/// (`team|enterprise|plus|academia`) has no free value.
pub fn plan_name(plan: Plan) -> Option<&'static str> {
    match plan {
        Plan::Free => None,
        Plan::Team => Some("team"),
        Plan::Enterprise => Some("enterprise"),
        Plan::Plus => Some("plus"),
    }
}

/// The org overview (`GET /api/organizations/{org}/overview`, and `orgs[]` of a user).
pub fn org_overview(world: &World, org: &OrgSeed) -> Value {
    let count = |t: RepoType| {
        world
            .seed
            .repos
            .iter()
            .filter(|r| r.repo_type == t && r.namespace() == org.name)
            .count()
    };
    let mut body = json!({
        "_id": ids::org_id(&org.name),
        "name": org.name,
        "fullname": org.display_name(),
        "avatarUrl": avatar_url(&org.name),
        "details": "",
        "isVerified": false,
        "isFollowing": false,
        "type": "org",
        "numUsers": org.members.len(),
        "numModels": count(RepoType::Model),
        "numDatasets": count(RepoType::Dataset),
        "numSpaces": count(RepoType::Space),
        "numFollowers": 0,
        "numPapers": 0,
    });
    if let Some(plan) = plan_name(org.plan) {
        body["plan"] = plan.into();
    }
    body
}

/// A member's resource groups as `{id, name, role}`, plus `numUsers` when `sizes` (from
/// [`OrgSeed::rg_sizes`]) is given.
pub fn member_groups(
    org: &OrgSeed,
    member: &MemberSeed,
    sizes: Option<&HashMap<&str, usize>>,
) -> Vec<Value> {
    member
        .resource_groups
        .iter()
        .map(|g| {
            let mut item = json!({
                "id": ids::resource_group_id(&org.name, &g.name),
                "name": g.name,
                "role": g.role,
            });
            if let Some(sizes) = sizes {
                item["numUsers"] = sizes.get(g.name.as_str()).copied().unwrap_or(0).into();
            }
            item
        })
        .collect()
}
