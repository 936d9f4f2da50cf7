//! `ScimClientError`: what went wrong talking to a SCIM app, in the app's own words (the
//! `detail` of its SCIM error body, RFC 7644 §3.12), classified so that the caller knows
//! whether trying again may help and how long the app asked it to wait.

use std::fmt;
use std::time::Duration;

/// What kind of failure it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScimFailure {
    /// 401 or 403: the token is missing, wrong or lacks the right.
    Unauthorized,
    /// 404.
    NotFound,
    /// 429: the app paces us ([`ScimClientError::retry_after`] says how long, if it did).
    RateLimited,
    /// 408, 5xx, a timeout or a connection that failed: transient.
    Unavailable,
    /// 501 on a method, or 405: the app does not do this (PATCH, DELETE...).
    Unsupported,
    /// Any other status (400, 409...): the app refused the request.
    Refused,
    /// A success whose body is not what RFC 7643/7644 describe.
    Decode,
}

/// One failed call.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ScimClientError {
    pub failure: ScimFailure,
    /// The HTTP status, when one came.
    pub status: Option<u16>,
    /// What the call was (`PATCH /Users/{id}`) and what the app said.
    pub detail: String,
    /// The app's `Retry-After`, on 429 and 503.
    pub retry_after: Option<Duration>,
}

impl fmt::Display for ScimClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "SCIM app answered {status}: {}", self.detail),
            None => write!(f, "SCIM app: {}", self.detail),
        }
    }
}

impl ScimClientError {
    /// From a status that is not a success and the body that came with it.
    pub(crate) fn from_answer(
        call: &str,
        status: u16,
        body: &str,
        retry_after: Option<Duration>,
    ) -> ScimClientError {
        let failure = match status {
            401 | 403 => ScimFailure::Unauthorized,
            404 => ScimFailure::NotFound,
            429 => ScimFailure::RateLimited,
            405 | 501 => ScimFailure::Unsupported,
            408 | 500..=599 => ScimFailure::Unavailable,
            _ => ScimFailure::Refused,
        };
        ScimClientError {
            failure,
            status: Some(status),
            detail: format!("{call}: {}", said(body)),
            retry_after,
        }
    }

    /// A call that got no answer (connection refused, timeout, broken stream).
    pub(crate) fn transport(call: &str, error: reqwest::Error) -> ScimClientError {
        // The URL is left out: it may carry a tenant id the operator did not mean to show.
        ScimClientError {
            failure: ScimFailure::Unavailable,
            status: None,
            detail: format!("{call}: {}", error.without_url()),
            retry_after: None,
        }
    }

    /// A success whose body is not a SCIM resource.
    pub(crate) fn decode(call: &str, why: impl fmt::Display) -> ScimClientError {
        ScimClientError {
            failure: ScimFailure::Decode,
            status: None,
            detail: format!("{call}: {why}"),
            retry_after: None,
        }
    }

    /// Whether trying again later may help (429, 408, 5xx, no answer).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.failure,
            ScimFailure::RateLimited | ScimFailure::Unavailable
        )
    }

    pub fn is_not_found(&self) -> bool {
        self.failure == ScimFailure::NotFound
    }

    /// How long the app asked us to wait, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

/// What an error body says: its SCIM `detail`, else its first 200 characters.
fn said(body: &str) -> String {
    let detail = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("detail").and_then(|d| d.as_str()).map(str::to_owned));
    match detail {
        Some(detail) => detail,
        None if body.trim().is_empty() => "no detail".into(),
        None => body.trim().chars().take(200).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified_and_the_scim_detail_kept() {
        let e = ScimClientError::from_answer("GET /Users", 503, r#"{"detail":"down"}"#, None);
        assert!(e.is_retryable());
        assert_eq!(e.to_string(), "SCIM app answered 503: GET /Users: down");
        let e = ScimClientError::from_answer("PATCH /Users/1", 501, "", None);
        assert_eq!(e.failure, ScimFailure::Unsupported);
        assert!(!e.is_retryable());
        assert!(ScimClientError::from_answer("GET /Users/1", 404, "", None).is_not_found());
    }
}
