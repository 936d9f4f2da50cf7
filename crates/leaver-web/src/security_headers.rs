//! Headers every response carries: browsers must not guess content types (`nosniff`) nor show
//! Leaver inside another site's frame (clickjacking), and once they have seen Leaver over https
//! (`LEAVER_PUBLIC_URL`) they must not go back to plain http (HSTS).

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// How long a browser keeps to https after seeing Leaver over it: a year.
const HSTS: &str = "max-age=31536000";

/// `router` with the headers added to every response (its fallback's too); HSTS only when
/// served over `https`.
pub(crate) fn add(router: Router, https: bool) -> Router {
    let value = HeaderValue::from_static;
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            value("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            value("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            value("frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            https.then(|| value(HSTS)),
        ))
}
