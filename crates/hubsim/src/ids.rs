//! Stable 24-hex ids (the Hub's Mongo-style `_id` shape), derived from names.
//!
//! Deriving instead of storing keeps seeds small and makes ids identical across restarts
//! and resets, so tests can compute them.

use sha2::{Digest, Sha256};

/// A 24-hex id for `kind` + `parts`, e.g. `stable_id("user", &["alice"])`.
pub fn stable_id(kind: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(kind.as_bytes());
    for part in parts {
        hasher.update([0u8]);
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    hex::encode(&digest[..12])
}

/// A user's `_id`.
pub fn user_id(username: &str) -> String {
    stable_id("user", &[username])
}

/// An org's `_id`.
pub fn org_id(org: &str) -> String {
    stable_id("org", &[org])
}

/// A resource group's id.
pub fn resource_group_id(org: &str, name: &str) -> String {
    stable_id("resource-group", &[org, name])
}

/// A gated-access request's `requestId`.
pub fn request_id(repo: &str, user: &str) -> String {
    stable_id("access-request", &[repo, user])
}

/// A SCIM user id within an org.
pub fn scim_user_id(org: &str, user: &str) -> String {
    stable_id("scim-user", &[org, user])
}

/// A SCIM group id within an org.
pub fn scim_group_id(org: &str, display_name: &str) -> String {
    stable_id("scim-group", &[org, display_name])
}

/// A repo's `_id`.
pub fn repo_id(repo: &str) -> String {
    stable_id("repo", &[repo])
}

/// A token's id (never the value itself).
pub fn token_id(value: &str) -> String {
    stable_id("token", &[value])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_24_hex_and_stable() {
        let a = user_id("alice");
        assert_eq!(a.len(), 24);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, user_id("alice"));
        assert_ne!(a, user_id("bob"));
        assert_ne!(resource_group_id("a", "bc"), resource_group_id("ab", "c"));
    }
}
