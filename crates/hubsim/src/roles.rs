//! Org and resource-group roles, and their order.

/// Role names the member-role endpoint accepts (custom roles aside).
pub const ORG_ROLES: [&str; 5] = ["no_access", "read", "contributor", "write", "admin"];

/// Roles a resource-group membership can carry.
pub const RG_ROLES: [&str; 4] = ["read", "contributor", "write", "admin"];

/// Rank of a role: `no_access` 0 < `read` 1 < `contributor` 2 < `write` 3 < `admin` 4.
///
/// Custom roles rank as `read`: the simulator cannot know what they grant, and
/// read-level is the least surprising (a custom role never passes an admin check).
pub fn rank(role: &str) -> u8 {
    match role {
        "no_access" => 0,
        "contributor" => 2,
        "write" => 3,
        "admin" => 4,
        _ => 1,
    }
}

/// Rank needed for org writes on repos (gated access review).
pub const WRITE: u8 = 3;
/// Rank needed for member management.
pub const ADMIN: u8 = 4;

/// Whether `role` is a valid org role: a built-in one, or one of the org's custom roles.
pub fn is_valid_org_role(role: &str, custom_roles: &[String]) -> bool {
    ORG_ROLES.contains(&role) || custom_roles.iter().any(|c| c == role)
}
