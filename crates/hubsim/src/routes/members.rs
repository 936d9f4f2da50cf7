//! `GET /api/organizations/{org}/members`: the member list, Link-paginated, with fields
//! that depend on who asks (`role`/`resourceGroups` for members, `verifiedEmail` for
//! admins of paid orgs).

use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::audit::avatar_url;
use crate::auth::{Caller, find_org};
use crate::errors::ApiResult;
use crate::extract::Params;
use crate::ids;
use crate::pagination::{self, MEMBERS};
use crate::roles;
use crate::seed::OrgSeed;
use crate::state::{AppState, World};
use crate::views::member_groups;

/// Lists members, filtered by `search` (username or full name, case-insensitive) and
/// `email` (exact), ordered by username.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(org): Path<String>,
    params: Params,
) -> ApiResult {
    let world = state.world();
    let org = find_org(&world, &org)?;
    let viewer_role = caller.org_role(org);
    let view = View {
        is_member: viewer_role.is_some(),
        sees_email: viewer_role.is_some_and(|r| roles::rank(r) >= roles::ADMIN)
            && org.plan.is_paid(),
    };
    let search = params.get("search").map(str::to_lowercase);
    let email = params.get("email").map(str::to_lowercase);
    let keyed = org
        .members
        .iter()
        .filter(|m| {
            let user = world.user(&m.user);
            let fullname = user.map_or(String::new(), |u| u.fullname.to_lowercase());
            let search_ok = search
                .as_deref()
                .is_none_or(|s| m.user.to_lowercase().contains(s) || fullname.contains(s));
            let email_ok = email.as_deref().is_none_or(|e| {
                let address = user.and_then(|u| u.email.as_deref()).map(str::to_lowercase);
                address.as_deref() == Some(e) && email_domain_allowed(org, e)
            });
            search_ok && email_ok
        })
        .map(|m| (m.user.clone(), member_item(&world, org, &m.user, view)))
        .collect();
    pagination::list(keyed, &params, MEMBERS)
}

/// What the caller may see.
#[derive(Clone, Copy)]
struct View {
    is_member: bool,
    sees_email: bool,
}

/// The Hub only matches `email` within the org's configured domains. An org whose seed
/// sets no `email_domains` matches any domain, so small seeds need no domain set-up.
fn email_domain_allowed(org: &OrgSeed, email: &str) -> bool {
    let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
    org.email_domains.is_empty()
        || org
            .email_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
}

fn member_item(world: &World, org: &OrgSeed, username: &str, view: View) -> Value {
    let user = world.user(username);
    let mut item = json!({
        "_id": ids::user_id(username),
        "user": username,
        "fullname": user.map_or(username, |u| u.fullname.as_str()),
        "avatarUrl": avatar_url(username),
        "type": "user",
        "isPro": user.is_some_and(|u| u.is_pro),
        "isFollowing": false,
    });
    if view.is_member
        && let Some(member) = org.member(username)
    {
        item["role"] = member.role.clone().into();
        item["resourceGroups"] = member_groups(org, member, true).into();
        item["twoFaEnabled"] = true.into();
        item["isExternalCollaborator"] = false.into();
    }
    if view.sees_email {
        item["verifiedEmail"] = user.and_then(|u| u.email.clone()).into();
    }
    item
}
