//! API keys for HR systems: `Authorization: Bearer lvr_...`, stored as SHA-256 only.

use super::{random_token, sha256_hex};
use crate::{AppError, AppState};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use time::OffsetDateTime;

/// A new API key and the hash to store; the key is shown once and never stored.
pub fn new_api_key() -> (String, String) {
    let key = random_token("lvr_");
    let hash = sha256_hex(&key);
    (key, hash)
}

/// The caller of an API request, by its key's name.
#[derive(Clone, Debug)]
pub struct ApiClient {
    pub name: String,
}

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let key = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                AppError::Unauthorized("send an API key as `Authorization: Bearer <key>`".into())
            })?;
        let found = state
            .accounts
            .use_api_key(&sha256_hex(key), OffsetDateTime::now_utc())
            .await?;
        found
            .map(|k| ApiClient { name: k.name })
            .ok_or_else(|| AppError::Unauthorized("unknown API key".into()))
    }
}
