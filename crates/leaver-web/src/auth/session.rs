//! Operator sessions: a random id in an HttpOnly cookie, its SHA-256 in the database.

use super::{after_login, cookies};
use crate::{AppError, AppState};
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use leaver_app::accounts::{SESSION_TTL, sha256_hex};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "leaver_session";

/// The operator behind a page request. Extracting it from a request without a valid session
/// redirects to `/login` (and back here afterwards).
#[derive(Clone, Debug)]
pub struct CurrentOperator {
    pub email: String,
    /// The hash of the session id (to end it at logout).
    pub session_hash: String,
    /// The CSRF token every form of this session must carry.
    pub csrf: String,
}

/// The CSRF token of a session: derived from its secret id, so it is tied to the session and
/// unknowable without the (HttpOnly) cookie.
pub(crate) fn csrf_token(session_id: &str) -> String {
    sha256_hex(&format!("leaver-csrf:{session_id}"))
}

/// Starts a session for `operator_id`; returns the `Set-Cookie` value.
pub(crate) async fn start_session(state: &AppState, operator_id: &str) -> Result<String, AppError> {
    let id = state.app.start_session(operator_id).await?;
    let max_age = i64::try_from(SESSION_TTL.as_secs()).unwrap_or(i64::MAX);
    Ok(cookies::set(
        SESSION_COOKIE,
        &id,
        max_age,
        state.secure_cookies,
    ))
}

/// Where to send someone who must log in first.
fn to_login(parts: &Parts) -> Response {
    let path = parts
        .extensions
        .get::<OriginalUri>()
        .map_or_else(|| parts.uri.clone(), |uri| uri.0.clone());
    let target = match after_login(path.path_and_query().map(|p| p.as_str())) {
        "/" => "/login".to_owned(),
        next => format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        ),
    };
    Redirect::to(&target).into_response()
}

impl CurrentOperator {
    /// The operator of the request's session, if it has a valid one.
    pub(crate) async fn from_parts(
        parts: &Parts,
        state: &AppState,
    ) -> Result<Option<CurrentOperator>, AppError> {
        let Some(id) = cookies::get(&parts.headers, SESSION_COOKIE) else {
            return Ok(None);
        };
        let hash = sha256_hex(&id);
        let email = state.app.session_operator(&hash).await?;
        Ok(email.map(|email| CurrentOperator {
            email,
            session_hash: hash,
            csrf: csrf_token(&id),
        }))
    }
}

impl FromRequestParts<AppState> for CurrentOperator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match CurrentOperator::from_parts(parts, state).await {
            Ok(Some(operator)) => Ok(operator),
            Ok(None) => Err(to_login(parts)),
            Err(error) => Err(error.into_response()),
        }
    }
}
