//! `GET /api/organizations/{org}/members`: the member list, Link-paginated, with fields
//! that depend on who asks (`role`/`resourceGroups` for members, `verifiedEmail` for
//! admins of paid orgs).

use std::collections::HashMap;

use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::audit::avatar_url;
use crate::auth::{Caller, find_org};
use crate::errors::ApiResult;
use crate::extract::Params;
use crate::ids;
use crate::pagination::{self, MEMBERS, Page};
use crate::roles;
use crate::seed::{MemberSeed, OrgSeed};
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
        .map(|m| (m.user.clone(), m))
        .collect();
    // Render only the page asked for: big orgs are listed page by page.
    let page = pagination::paginate(keyed, &params, MEMBERS)?;
    let sizes = org.rg_sizes();
    let items = page
        .items
        .into_iter()
        .map(|m| member_item(&world, org, m, &sizes, view))
        .collect();
    Ok(pagination::respond(
        Page {
            items,
            next: page.next,
        },
        &params,
    ))
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

fn member_item(
    world: &World,
    org: &OrgSeed,
    member: &MemberSeed,
    sizes: &HashMap<&str, usize>,
    view: View,
) -> Value {
    let username = member.user.as_str();
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
    if view.is_member {
        item["role"] = member.role.clone().into();
        item["resourceGroups"] = member_groups(org, member, Some(sizes)).into();
        item["twoFaEnabled"] = true.into();
        item["isExternalCollaborator"] = false.into();
    }
    if view.sees_email {
        item["verifiedEmail"] = user.and_then(|u| u.email.clone()).into();
    }
    item
}
