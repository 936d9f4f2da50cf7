//! The org audit log: events that hubsim's own state changes cause, in the Hub's
//! export shape (`_id, createdAt, type, data, message, ip, userAgent, location, author, token`).

use serde_json::{Value, json};

use crate::auth::Identity;
use crate::ids;
use crate::seed::TokenRole;
use crate::state::{World, now_iso};

/// Who caused an event.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// A user, through one of their tokens.
    User(&'a Identity),
    /// The org's SCIM token (the identity provider).
    Scim,
}

/// One stored event.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// The org whose log holds it.
    pub org: String,
    /// The event as exported.
    pub body: Value,
}

impl World {
    /// Appends an event of `kind` (e.g. `org.remove_user`) to `org`'s log.
    /// Does nothing when `org` is not an org (e.g. a user's repo namespace).
    pub fn record(
        &mut self,
        org: &str,
        kind: &str,
        actor: Actor<'_>,
        data: Value,
        message: String,
    ) {
        if self.org(org).is_none() {
            return;
        }
        let seq = self.audit_count.to_string();
        self.audit_count += 1;
        let mut body = json!({
            "_id": ids::stable_id("audit", &[org, &seq]),
            "createdAt": now_iso(),
            "type": kind,
            "data": data,
            "message": message,
            "ip": "127.0.0.x",
            "userAgent": "hubsim",
            "location": {"formatted": "Localhost"},
        });
        match actor {
            Actor::User(identity) => {
                body["author"] = json!({
                    "_id": ids::user_id(&identity.user),
                    "user": identity.user,
                    "avatarUrl": avatar_url(&identity.user),
                    "type": "user",
                });
                let role = match identity.token_role {
                    TokenRole::Read => "read",
                    TokenRole::Write => "write",
                };
                let last4: String = identity
                    .token
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                body["token"] = json!({
                    "type": "access_token",
                    "id": ids::token_id(&identity.token),
                    "role": role,
                    "last4": last4,
                    "deleted": false,
                });
            }
            Actor::Scim => {
                body["author"] = json!({
                    "_id": ids::stable_id("scim-author", &[org]),
                    "user": "scim",
                    "avatarUrl": avatar_url("scim"),
                    "type": "system",
                });
            }
        }
        self.audit
            .entry(org.to_string())
            .or_default()
            .push(AuditEvent {
                org: org.to_string(),
                body,
            });
    }
}

/// The avatar URL hubsim gives every account.
pub fn avatar_url(name: &str) -> String {
    format!("https://cdn-avatars.huggingface.co/hubsim/{name}.png")
}

/// Whether an event matches an export query `q`: space-separated terms, each either
/// `type:<t>` (exact, or a prefix ending in `*`), `author:<user>`, or free text searched
/// in the message and data.
pub fn matches(event: &Value, q: &str) -> bool {
    q.split_whitespace().all(|term| match term.split_once(':') {
        Some(("type", t)) => {
            let kind = event["type"].as_str().unwrap_or("");
            match t.strip_suffix('*') {
                Some(prefix) => kind.starts_with(prefix),
                None => kind == t,
            }
        }
        Some(("author", a)) => event["author"]["user"].as_str() == Some(a),
        _ => {
            let hay = format!("{} {}", event["message"], event["data"]).to_lowercase();
            hay.contains(&term.to_lowercase())
        }
    })
}
