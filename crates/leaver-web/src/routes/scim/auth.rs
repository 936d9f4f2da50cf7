//! Bearer keys of scope `scim` (`leaver apikey create --name okta --scope scim`). A REST API
//! key (scope `api`) is refused here as an unknown key, as a `scim` key is under `/api/v1`.

use super::reply::ScimReply;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use leaver_app::scim::ScimCaller;
use leaver_app::scim::wire::ScimError;

/// The identity provider calling, by its key's name.
#[derive(Clone, Debug)]
pub struct ScimClient(pub ScimCaller);

fn refused(detail: &str) -> Response {
    let mut response = ScimReply::error(&ScimError::status(401, detail)).into_response();
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        axum::http::HeaderValue::from_static("Bearer"),
    );
    response
}

impl FromRequestParts<AppState> for ScimClient {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let key = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| refused("send a SCIM key as `Authorization: Bearer <key>`"))?;
        match state.app.scim_client(key).await {
            Ok(Some(caller)) => Ok(ScimClient(caller)),
            Ok(None) => Err(refused("unknown SCIM key (keys of scope scim only)")),
            Err(error) => {
                tracing::error!(%error, "checking a SCIM key failed");
                Err(ScimReply::error(&ScimError::status(500, "internal error")).into_response())
            }
        }
    }
}
