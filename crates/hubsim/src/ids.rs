//! Stable 24-hex ids (the Hub's Mongo-style `_id` shape), derived from names.
//!
//! Deriving instead of storing keeps seeds small and makes ids identical across restarts
//! and resets, so tests can compute them.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};

/// Every id computed so far, both ways: key → id and id → key. Ids are pure functions of
/// their key, so a process-wide memo is safe; it spares re-hashing on every listing of a
/// big org, and lets a SCIM id be mapped back to its user without scanning.
#[derive(Default)]
struct Memo {
    by_key: HashMap<String, String>,
    by_id: HashMap<String, String>,
}

fn memo() -> std::sync::MutexGuard<'static, Memo> {
    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    MEMO.get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// A 24-hex id for `kind` + `parts`, e.g. `stable_id("user", &["alice"])`.
pub fn stable_id(kind: &str, parts: &[&str]) -> String {
    let mut key = kind.to_string();
    for part in parts {
        key.push('\0');
        key.push_str(part);
    }
    if let Some(id) = memo().by_key.get(&key) {
        return id.clone();
    }
    let digest = Sha256::digest(key.as_bytes());
    let id = hex::encode(&digest[..12]);
    let mut memo = memo();
    memo.by_id.insert(id.clone(), key.clone());
    memo.by_key.insert(key, id.clone());
    id
}

/// The `kind` and `parts` an id was computed from, if this process computed it.
pub fn parts_of(id: &str) -> Option<(String, Vec<String>)> {
    let key = memo().by_id.get(id)?.clone();
    let mut fields = key.split('\0').map(str::to_string);
    let kind = fields.next()?;
    Some((kind, fields.collect()))
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
        let scim = scim_user_id("acme", "bob");
        assert_eq!(
            parts_of(&scim),
            Some(("scim-user".into(), vec!["acme".into(), "bob".into()]))
        );
    }
}
