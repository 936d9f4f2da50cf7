//! Cross-site request forgery: every operator form carries the session's token (a synchronizer
//! token derived from the session id) and must come from our own origin.

use super::CurrentOperator;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN, REFERER};
use axum::response::{IntoResponse, Response};
use leaver_app::accounts::same_secret;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Whether the request was sent by a page of ours: its `Origin` (or, failing that, `Referer`)
/// names `LEAVER_PUBLIC_URL`'s origin or the host the request was sent to. A request with
/// neither header (not a browser's cross-site POST) passes on its token alone.
pub(crate) fn same_origin(headers: &HeaderMap, state: &AppState) -> bool {
    let source = headers
        .get(ORIGIN)
        .or_else(|| headers.get(REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(source) = source else {
        return true;
    };
    let Ok(source) = url::Url::parse(source) else {
        return false; // includes Origin: null
    };
    if state
        .public_origin
        .as_deref()
        .is_some_and(|ours| ours == source.origin().ascii_serialization())
    {
        return true;
    }
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    let source_host = match (source.host_str(), source.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => return false,
    };
    host.is_some_and(|host| host.eq_ignore_ascii_case(&source_host))
}

/// Refuses a form that did not come from our origin or does not carry `expected`.
pub(crate) fn check(
    headers: &HeaderMap,
    state: &AppState,
    sent: Option<&str>,
    expected: &str,
) -> Result<(), AppError> {
    if !same_origin(headers, state) {
        return Err(AppError::Forbidden(
            "this form was sent from another site".into(),
        ));
    }
    match sent {
        Some(sent) if same_secret(sent, expected) => Ok(()),
        _ => Err(AppError::Forbidden(
            "the form's security token is missing or out of date: reload the page and try again"
                .into(),
        )),
    }
}

#[derive(Deserialize)]
struct TokenField {
    csrf: Option<String>,
}

/// A URL-encoded form posted by a logged-in operator, checked for CSRF before `T` is parsed.
#[derive(Debug)]
pub struct CsrfForm<T> {
    pub operator: CurrentOperator,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let operator = CurrentOperator::from_request_parts(&mut parts, state).await?;
        let headers = parts.headers.clone();
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let token: TokenField =
            serde_urlencoded::from_bytes(&bytes).unwrap_or(TokenField { csrf: None });
        check(&headers, state, token.csrf.as_deref(), &operator.csrf)
            .map_err(|e| crate::views::PageError::from(e).into_response())?;
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            crate::views::PageError::from(AppError::BadRequest(format!(
                "the form is malformed: {e}"
            )))
            .into_response()
        })?;
        Ok(CsrfForm { operator, form })
    }
}
