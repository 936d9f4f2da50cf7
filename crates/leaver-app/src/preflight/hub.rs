//! What the Hub says about Leaver's token and its orgs, for `serve`'s start and `leaver check`:
//! the token must be one the Hub accepts, and each org in `LEAVER_ORGS` must exist and be
//! administered by the token. A Hub that cannot be reached right now (network, timeouts, 5xx,
//! 429) proves nothing either way: that is a warning, not a refusal.

use leaver_core::plan::TokenFacts;
use leaver_hub::{HubClient, HubError, HubErrorKind, WhoAmI};

/// One org's answer.
#[derive(Clone, Debug)]
pub enum OrgAccess {
    /// The token administers it.
    Admin,
    /// A problem that makes Leaver unable to work there, naming the fix.
    Refused(String),
    /// Could not be asked now.
    Unknown(String),
}

/// Whether `error` is the Hub being unavailable rather than an answer about the request.
pub fn transient(error: &HubError) -> bool {
    matches!(
        error.kind(),
        HubErrorKind::Network
            | HubErrorKind::Timeout
            | HubErrorKind::Server
            | HubErrorKind::RateLimited
            | HubErrorKind::Unavailable
    )
}

/// What a failed `whoami` means for the token: a refusal unless the Hub was unreachable.
pub fn token_problem(error: &HubError) -> String {
    if transient(error) {
        format!("the Hub could not be asked about LEAVER_HUB_TOKEN: {error}")
    } else {
        format!(
            "LEAVER_HUB_TOKEN is refused by the Hub ({error}): set a valid token of an org admin"
        )
    }
}

/// Whether the token owned by `me` administers `org`, which must exist.
pub async fn org_access(hub: &HubClient, me: &WhoAmI, org: &str) -> OrgAccess {
    if let Err(e) = hub.org_overview(org).await {
        return match e.kind() {
            HubErrorKind::NotFound => OrgAccess::Refused(format!(
                "LEAVER_ORGS: {org} does not exist on the Hub (or the token cannot see it): check the spelling"
            )),
            _ if transient(&e) => {
                OrgAccess::Unknown(format!("{org}: the Hub could not be asked: {e}"))
            }
            _ => OrgAccess::Refused(format!(
                "LEAVER_ORGS: {org} cannot be read with the token: {e}"
            )),
        };
    }
    let facts = token_facts(me, org);
    if facts.is_admin() {
        return OrgAccess::Admin;
    }
    let role = facts.role_in_org.as_deref().unwrap_or("not a member");
    let token = if facts.can_write {
        ""
    } else {
        " (a read-only token)"
    };
    OrgAccess::Refused(format!(
        "LEAVER_ORGS: the token's owner {}{token} is not an admin of {org} (role: {role}): \
         make {} an admin of {org}, use an admin's token, or take {org} out of LEAVER_ORGS",
        me.name, me.name
    ))
}

/// What the token may do in `org`, as the planner reads it.
fn token_facts(me: &WhoAmI, org: &str) -> TokenFacts {
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
