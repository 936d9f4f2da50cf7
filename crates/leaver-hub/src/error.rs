//! `HubError`: everything that can go wrong talking to the Hub, with the Hub's own words.
//!
//! The Hub explains failures in headers (`X-Error-Code`, `X-Error-Message`, `X-Request-Id`)
//! and in a handful of JSON body shapes; [`crate::error_body`] reads those, this module
//! classifies them.

use std::fmt;

use reqwest::StatusCode;

/// What kind of failure a [`HubError`] is; mostly follows the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HubErrorKind {
    /// 400: bad body, unknown role, repo not gated, ...
    BadRequest,
    /// 401: missing or invalid token (also hidden private repos).
    Unauthorized,
    /// 402: the organization lacks a paid plan.
    PaymentRequired,
    /// 403: insufficient rights or an org security restriction.
    Forbidden,
    /// 404: unknown org, user, repo or request.
    NotFound,
    /// 409: conflict (SCIM).
    Conflict,
    /// 429: rate limited.
    RateLimited,
    /// 5xx.
    Server,
    /// 408, or the client's own timeout fired.
    Timeout,
    /// The connection failed or broke before a full response arrived.
    Network,
    /// A success response whose body is not what the Hub documents.
    Decode,
    /// A request that could not be built (bad base URL, foreign pagination link, ...).
    InvalidRequest,
    /// Any other non-success status.
    OtherStatus,
    /// Not sent: the Hub kept failing and Leaver's circuit to it is open (see
    /// `crate::circuit`); transient, tried again after [`HubError::retry_after`].
    Unavailable,
}

impl HubErrorKind {
    /// Classify an HTTP status that is not a success.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            402 => Self::PaymentRequired,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            408 => Self::Timeout,
            409 => Self::Conflict,
            429 => Self::RateLimited,
            500..=599 => Self::Server,
            _ => Self::OtherStatus,
        }
    }
}

/// An error from a Hub call: the kind, the HTTP status, and what the Hub said about it.
///
/// `Display` reads like `GET /api/organizations/acme/members: 404 Not Found
/// (RepoNotFound): Organization not found [request id: abc]`.
#[derive(Debug, thiserror::Error)]
pub struct HubError {
    kind: HubErrorKind,
    status: Option<StatusCode>,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    context: Option<String>,
    /// How long the Hub (or the open circuit) asks us to wait before trying again, in ms
    /// (four bytes, so that the error stays small).
    retry_after_ms: Option<std::num::NonZeroU32>,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl HubError {
    /// An error of `kind` with a message of ours.
    pub fn new(kind: HubErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            status: None,
            code: None,
            message: Some(message.into()),
            request_id: None,
            context: None,
            retry_after_ms: None,
            source: None,
        }
    }

    /// An error for a non-success HTTP response.
    pub fn from_response_parts(
        status: StatusCode,
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
    ) -> Self {
        Self {
            kind: HubErrorKind::from_status(status),
            status: Some(status),
            code,
            message,
            request_id,
            context: None,
            retry_after_ms: None,
            source: None,
        }
    }

    /// Attach the underlying error.
    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// Attach what was being done, e.g. `GET /api/whoami-v2` (never carries secrets).
    pub(crate) fn with_context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into());
        self
    }

    /// Attach the Hub's request id (from a response that could not be decoded).
    pub(crate) fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    /// Attach how long to wait before trying again.
    pub(crate) fn with_retry_after(mut self, wait: Option<std::time::Duration>) -> Self {
        self.retry_after_ms = wait.map(|w| {
            let ms = u32::try_from(w.as_millis()).unwrap_or(u32::MAX);
            std::num::NonZeroU32::new(ms).unwrap_or(std::num::NonZeroU32::MIN)
        });
        self
    }

    /// How long the Hub asked us to wait (`RateLimit`, `Retry-After`), or until the open
    /// circuit lets a probe through; `None` when nobody said.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.retry_after_ms
            .map(|ms| std::time::Duration::from_millis(u64::from(ms.get())))
    }

    /// The kind of failure.
    pub fn kind(&self) -> HubErrorKind {
        self.kind
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The Hub's machine code from `X-Error-Code` (e.g. `RepoNotFound`).
    pub fn error_code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The Hub's human message (header or JSON body), or ours.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id to quote to Hub support (`X-Request-Id`, else `X-Amzn-Trace-Id`).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Whether trying again later may succeed: 408, 429, 500, 502, 503, 504, timeouts and
    /// network failures.
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            HubErrorKind::RateLimited
            | HubErrorKind::Timeout
            | HubErrorKind::Network
            | HubErrorKind::Unavailable => true,
            HubErrorKind::Server => self
                .status
                .is_none_or(|s| matches!(s.as_u16(), 500 | 502 | 503 | 504)),
            _ => false,
        }
    }

    /// Whether the Hub said the thing does not exist (404).
    pub fn is_not_found(&self) -> bool {
        self.kind == HubErrorKind::NotFound
    }
}

impl fmt::Display for HubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(context) = &self.context {
            write!(f, "{context}: ")?;
        }
        match self.status {
            Some(status) => write!(f, "{status}")?,
            None => write!(f, "{:?} error", self.kind)?,
        }
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id: {id}]")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_status_maps_to_its_kind() {
        let table = [
            (400, HubErrorKind::BadRequest, false),
            (401, HubErrorKind::Unauthorized, false),
            (402, HubErrorKind::PaymentRequired, false),
            (403, HubErrorKind::Forbidden, false),
            (404, HubErrorKind::NotFound, false),
            (408, HubErrorKind::Timeout, true),
            (409, HubErrorKind::Conflict, false),
            (429, HubErrorKind::RateLimited, true),
            (500, HubErrorKind::Server, true),
            (501, HubErrorKind::Server, false),
            (502, HubErrorKind::Server, true),
            (503, HubErrorKind::Server, true),
            (504, HubErrorKind::Server, true),
            (418, HubErrorKind::OtherStatus, false),
        ];
        for (code, kind, retryable) in table {
            let status = StatusCode::from_u16(code).expect("status");
            let err = HubError::from_response_parts(status, None, None, None);
            assert_eq!(err.kind(), kind, "{code}");
            assert_eq!(err.is_retryable(), retryable, "{code}");
            assert_eq!(err.is_not_found(), code == 404, "{code}");
        }
    }

    #[test]
    fn display_carries_context_status_code_message_and_request_id() {
        let err = HubError::from_response_parts(
            StatusCode::NOT_FOUND,
            Some("RepoNotFound".into()),
            Some("Repository not found".into()),
            Some("Root=1-abc".into()),
        )
        .with_context("GET /api/models/acme/x");
        assert_eq!(
            err.to_string(),
            "GET /api/models/acme/x: 404 Not Found (RepoNotFound): Repository not found \
             [request id: Root=1-abc]"
        );
    }

    #[test]
    fn errors_without_a_response_name_their_kind() {
        let err = HubError::new(HubErrorKind::Network, "connection refused");
        assert_eq!(err.to_string(), "Network error: connection refused");
        assert!(err.is_retryable());
        assert_eq!(err.status(), None);
    }
}
