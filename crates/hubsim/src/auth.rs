//! Who is calling, and what they may do.
//!
//! Tokens map to seeded users. A missing token is anonymous; a malformed, unknown or
//! revoked one is a 401 on every endpoint (as on the Hub, even public ones). Rights follow
//! the caller's org role; a `read` token gets 403 on every write.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::errors::{ApiError, ApiResult};
use crate::roles;
use crate::seed::{OrgSeed, TokenRole};
use crate::state::{AppState, World};

/// An authenticated caller. Debug never shows the token value.
#[derive(Clone)]
pub struct Identity {
    /// Username of the token's owner.
    pub user: String,
    /// Role of the token.
    pub token_role: TokenRole,
    /// Raw token value (for org-level revocation checks and audit `last4`).
    pub token: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// The caller of an endpoint where authentication is optional.
#[derive(Clone, Debug)]
pub struct Caller(pub Option<Identity>);

/// The raw bearer value, if the request carries one.
pub fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?;
    let Ok(text) = value.to_str() else {
        return Some(Err(()));
    };
    let (scheme, token) = text.split_once(' ').unwrap_or((text, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Some(Err(()));
    }
    Some(Ok(token.trim()))
}

/// Resolves a token value to an identity.
pub fn identify(world: &World, token: &str) -> Option<Identity> {
    let seeded = world.token(token)?;
    world.user(&seeded.user)?;
    Some(Identity {
        user: seeded.user.clone(),
        token_role: seeded.role,
        token: token.to_string(),
    })
}

/// The rate-limit bucket of a request: the token owner's username, or one shared
/// anonymous bucket (for missing and invalid tokens alike).
pub fn bucket(state: &AppState, headers: &HeaderMap) -> String {
    match bearer(headers) {
        Some(Ok(token)) => match identify(&state.world(), token) {
            Some(identity) => format!("user:{}", identity.user),
            None => "anonymous".to_string(),
        },
        _ => "anonymous".to_string(),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Caller> {
        match bearer(&parts.headers) {
            None => Ok(Caller(None)),
            Some(Err(())) => Err(ApiError::unauthorized()),
            Some(Ok(token)) => identify(&state.world(), token)
                .map(|identity| Caller(Some(identity)))
                .ok_or_else(ApiError::unauthorized),
        }
    }
}

impl Caller {
    /// The identity, or 401 for anonymous callers.
    pub fn required(&self) -> ApiResult<&Identity> {
        self.0.as_ref().ok_or_else(ApiError::unauthorized)
    }

    /// The identity of a caller about to write: 401 if anonymous, 403 for a read token.
    pub fn writer(&self) -> ApiResult<&Identity> {
        let identity = self.required()?;
        if identity.token_role == TokenRole::Read {
            return Err(ApiError::forbidden(
                "You don't have write permission: this token is read-only",
            ));
        }
        Ok(identity)
    }

    /// The caller's effective role in `org`: `None` if anonymous, not a member, or if the
    /// org revoked this token (it then sees the org as an outsider does).
    pub fn org_role<'a>(&self, org: &'a OrgSeed) -> Option<&'a str> {
        let identity = self.0.as_ref()?;
        if org.revoked_tokens.contains(&identity.token) {
            return None;
        }
        org.member(&identity.user).map(|m| m.role.as_str())
    }
}

/// Checks that `identity` holds at least rank `min` in `org`: 403 otherwise, with the
/// Hub's "revoked by the organization administrator" message for org-revoked tokens.
pub fn require_org_rank(org: &OrgSeed, identity: &Identity, min: u8) -> ApiResult<()> {
    if org.revoked_tokens.contains(&identity.token) {
        return Err(ApiError::forbidden(
            "This token has been revoked by the organization administrator",
        ));
    }
    let Some(member) = org.member(&identity.user) else {
        return Err(ApiError::forbidden(
            "You are not a member of this organization",
        ));
    };
    if roles::rank(&member.role) < min {
        let needed = if min >= roles::ADMIN {
            "admin"
        } else {
            "write"
        };
        return Err(ApiError::forbidden(format!(
            "You need the {needed} role in {} to perform this action",
            org.name
        )));
    }
    Ok(())
}

/// The org or a 404.
pub fn find_org<'a>(world: &'a World, name: &str) -> ApiResult<&'a OrgSeed> {
    world
        .org(name)
        .ok_or_else(|| ApiError::not_found(format!("Organization {name} not found")))
}

/// 402 unless the org is on a paid plan.
pub fn require_paid(org: &OrgSeed) -> ApiResult<()> {
    if org.plan.is_paid() {
        Ok(())
    } else {
        Err(ApiError::payment_required())
    }
}
