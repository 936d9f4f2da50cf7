//! What SCIM (de)provisioning does to the org: activation (membership on managed SSO,
//! an invitation on basic SSO), deactivation (access removed, SCIM record kept) and the
//! managed-SSO account delete.

use serde_json::json;

use super::ScimCaller;
use crate::errors::{ApiError, ApiResult};
use crate::membership;
use crate::seed::{InvitationSeed, ScimMode, ScimUserSeed};
use crate::state::World;

/// Gives a SCIM user access: membership (managed) or an invitation (basic; access starts
/// when they accept, which hubsim does not simulate).
pub(crate) fn activate(
    world: &mut World,
    org_name: &str,
    mode: ScimMode,
    user: &str,
    caller: &ScimCaller,
) {
    match mode {
        ScimMode::Basic => {
            let Some(org) = world.org_mut(org_name) else {
                return;
            };
            if org.member(user).is_none() && !org.invitations.iter().any(|i| i.user == user) {
                let invitation = InvitationSeed {
                    user: user.to_string(),
                    role: "read".to_string(),
                };
                org.invitations.push(invitation);
                let data = json!({"user": user, "role": "read"});
                world.record(
                    org_name,
                    "org.invite_user",
                    caller.actor(),
                    data,
                    format!("Invited {user}"),
                );
            }
        }
        _ => membership::add(world, org_name, user, "read", caller.actor()),
    }
}

/// Removes a SCIM user's access (membership and any invitation), keeping the SCIM
/// record so they stay listed as inactive. The last admin is refused (409).
pub(crate) fn deactivate(
    world: &mut World,
    org_name: &str,
    user: &str,
    caller: &ScimCaller,
) -> ApiResult<()> {
    let is_member = world
        .org(org_name)
        .is_some_and(|o| o.member(user).is_some());
    if is_member {
        membership::remove(world, org_name, user, caller.actor()).map_err(ApiError::scim)?;
    }
    if let Some(org) = world.org_mut(org_name) {
        org.invitations.retain(|i| i.user != user);
        if !org.scim_users.iter().any(|s| s.user == user) {
            org.scim_users.push(ScimUserSeed {
                user: user.to_string(),
                external_id: None,
            });
        }
    }
    Ok(())
}

/// Deletes an account and everything it had: memberships, invitations, tokens, requests
/// and repos in its namespace (managed SSO's irreversible delete).
pub(crate) fn delete_account(world: &mut World, username: &str) {
    let seed = &mut world.seed;
    seed.users.retain(|u| u.username != username);
    seed.tokens.retain(|t| t.user != username);
    for org in &mut seed.orgs {
        org.members.retain(|m| m.user != username);
        org.invitations.retain(|i| i.user != username);
        org.scim_users.retain(|s| s.user != username);
        for group in &mut org.scim_groups {
            group.members.retain(|m| m != username);
        }
    }
    seed.repos.retain(|r| r.namespace() != username);
    for repo in &mut seed.repos {
        repo.access_requests.retain(|r| r.user != username);
    }
    world.reindex();
}
