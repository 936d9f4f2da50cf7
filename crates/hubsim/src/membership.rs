//! Membership changes shared by the member endpoints and SCIM: role changes with
//! replace-all resource groups, removal, and the last-admin guard. Each change writes
//! its audit events.

use axum::http::StatusCode;
use serde_json::json;

use crate::audit::Actor;
use crate::errors::{ApiError, ApiResult};
use crate::seed::{MemberSeed, RgMembershipSeed};
use crate::state::World;

/// The last-admin guard. Undocumented on the Hub; the Members page refuses to remove the
/// last owner, so hubsim refuses too. 409 Conflict: the request is well-formed but the
/// org's current state forbids it (and promoting someone else first resolves it).
fn ensure_not_last_admin(member: &MemberSeed, admins: usize, org: &str) -> ApiResult<()> {
    if member.role == "admin" && admins <= 1 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "Cannot remove or demote {}: they are the last admin of {org}. Promote another admin first.",
                member.user
            ),
        ));
    }
    Ok(())
}

/// Sets `user`'s org role and their full resource-group list (replace-all: groups left
/// out are removed). Records `org.change_role` and the resource-group events.
pub fn set_role(
    world: &mut World,
    org_name: &str,
    user: &str,
    role: &str,
    groups: Vec<RgMembershipSeed>,
    actor: Actor<'_>,
) -> ApiResult<()> {
    let org = world
        .org_mut(org_name)
        .ok_or_else(|| ApiError::not_found("Organization not found"))?;
    let admins = org.admin_count();
    let member = org
        .member_mut(user)
        .ok_or_else(|| ApiError::not_found(format!("User {user} is not a member of {org_name}")))?;
    if role != "admin" {
        ensure_not_last_admin(member, admins, org_name)?;
    }
    let previous_role = std::mem::replace(&mut member.role, role.to_string());
    let before = std::mem::replace(&mut member.resource_groups, groups.clone());

    if previous_role != role {
        let message = format!("Changed role of {user} from {previous_role} to {role}");
        let data = json!({"user": user, "role": role, "previousRole": previous_role});
        world.record(org_name, "org.change_role", actor, data, message);
    }
    for old in &before {
        match groups.iter().find(|g| g.name == old.name) {
            None => {
                let data = json!({"resourceGroup": old.name, "users": [user]});
                let message = format!("Removed {user} from resource group {}", old.name);
                world.record(
                    org_name,
                    "resource_group.remove_users",
                    actor,
                    data,
                    message,
                );
            }
            Some(new) if new.role != old.role => {
                let data = json!({"resourceGroup": old.name, "user": user, "role": new.role});
                let message = format!("Changed role of {user} in resource group {}", old.name);
                world.record(org_name, "resource_group.change_role", actor, data, message);
            }
            Some(_) => {}
        }
    }
    for new in groups
        .iter()
        .filter(|g| !before.iter().any(|b| b.name == g.name))
    {
        let data = json!({"resourceGroup": new.name, "users": [{"user": user, "role": new.role}]});
        let message = format!("Added {user} to resource group {}", new.name);
        world.record(org_name, "resource_group.add_users", actor, data, message);
    }
    Ok(())
}

/// Removes `user` from the org and from all its resource groups. Records
/// `resource_group.remove_users` per group and `org.remove_user`.
pub fn remove(world: &mut World, org_name: &str, user: &str, actor: Actor<'_>) -> ApiResult<()> {
    let org = world
        .org_mut(org_name)
        .ok_or_else(|| ApiError::not_found("Organization not found"))?;
    let admins = org.admin_count();
    let index = org
        .members
        .iter()
        .position(|m| m.user == user)
        .ok_or_else(|| ApiError::not_found(format!("User {user} is not a member of {org_name}")))?;
    ensure_not_last_admin(&org.members[index], admins, org_name)?;
    let member = org.members.remove(index);
    for group in &member.resource_groups {
        let data = json!({"resourceGroup": group.name, "users": [user]});
        let message = format!("Removed {user} from resource group {}", group.name);
        world.record(
            org_name,
            "resource_group.remove_users",
            actor,
            data,
            message,
        );
    }
    let data = json!({"user": user, "role": member.role});
    world.record(
        org_name,
        "org.remove_user",
        actor,
        data,
        format!("Removed {user} from {org_name}"),
    );
    Ok(())
}

/// Adds `user` as a member with `role` (SCIM activation). No-op if already a member.
pub fn add(world: &mut World, org_name: &str, user: &str, role: &str, actor: Actor<'_>) {
    let Some(org) = world.org_mut(org_name) else {
        return;
    };
    if org.member(user).is_some() {
        return;
    }
    org.members.push(MemberSeed {
        user: user.to_string(),
        role: role.to_string(),
        resource_groups: Vec::new(),
    });
    let data = json!({"user": user, "role": role});
    world.record(
        org_name,
        "org.add_user",
        actor,
        data,
        format!("Added {user} to {org_name}"),
    );
}
