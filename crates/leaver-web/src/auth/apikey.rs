//! API keys for HR systems: `Authorization: Bearer lvr_...` (see `leaver_app::accounts`).

use crate::{AppError, AppState};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

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
        let name = state.app.api_client(key).await?;
        name.map(|name| ApiClient { name })
            .ok_or_else(|| AppError::Unauthorized("unknown API key".into()))
    }
}
