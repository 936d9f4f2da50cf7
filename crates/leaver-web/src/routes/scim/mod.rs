//! `/scim/v2`: Leaver as a SCIM 2.0 service provider (RFC 7644) for identity providers. Bearer
//! keys of scope `scim` only; bodies are `application/scim+json` (plain JSON is read too), and
//! every answer is, errors included (`urn:ietf:params:scim:api:messages:2.0:Error`). The use
//! cases are `leaver_app::scim`; each authenticated call is noted for the settings page.

mod auth;
mod discovery;
mod reply;
pub mod settings_section;
mod users;

use crate::AppState;
use axum::Router;
use axum::routing::any;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(users::router())
        .merge(discovery::router())
        .route("/scim/v2/{*rest}", any(unknown))
}

/// Anything else under `/scim/v2`: a SCIM 404, as clients expect.
async fn unknown() -> reply::ScimReply {
    reply::ScimReply::error(&leaver_app::scim::wire::ScimError::status(
        404,
        "no such SCIM endpoint",
    ))
}
