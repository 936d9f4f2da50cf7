//! The one error type every handler returns, rendered the way the Hub does:
//! `X-Error-Message` (and `X-Error-Code` where the Hub has one) plus a JSON
//! `{"error": "..."}` body with content type `application/json`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// `X-Error-Code`, e.g. `RepoNotFound`.
    pub code: Option<&'static str>,
    /// `X-Error-Message` and the body's `error`.
    pub message: String,
    /// SCIM endpoints add the SCIM error fields (`schemas`, `detail`, `status`).
    pub scim: bool,
}

/// Handler result.
pub type ApiResult<T = Response> = Result<T, ApiError>;

/// The Hub's message for a missing, malformed, unknown or revoked token.
pub const INVALID_CREDENTIALS: &str = "Invalid credentials in Authorization header";

impl ApiError {
    /// An error with a status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: None,
            message: message.into(),
            scim: false,
        }
    }

    /// Adds an `X-Error-Code`.
    pub fn with_code(mut self, code: &'static str) -> ApiError {
        self.code = Some(code);
        self
    }

    /// Renders with SCIM error fields too.
    pub fn scim(mut self) -> ApiError {
        self.scim = true;
        self
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401 for a bad or missing token.
    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, INVALID_CREDENTIALS)
    }

    /// 402: the org has no paid plan.
    pub fn payment_required() -> ApiError {
        ApiError::new(
            StatusCode::PAYMENT_REQUIRED,
            "This feature requires a subscription plan (Team or Enterprise)",
        )
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 404 with `X-Error-Code: RepoNotFound`.
    pub fn repo_not_found() -> ApiError {
        ApiError::not_found("Repository not found").with_code("RepoNotFound")
    }

    /// 409.
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({ "error": self.message });
        if self.scim {
            body["schemas"] = serde_json::json!(["urn:ietf:params:scim:api:messages:2.0:Error"]);
            body["detail"] = self.message.clone().into();
            body["status"] = self.status.as_u16().to_string().into();
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert("x-error-message", header_safe(&self.message));
        if let Some(code) = self.code {
            headers.insert("x-error-code", HeaderValue::from_static(code));
        }
        response
    }
}

/// Header values must be visible ASCII; replace anything else so a message never panics.
fn header_safe(message: &str) -> HeaderValue {
    let clean: String = message
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '?'
            }
        })
        .collect();
    HeaderValue::from_str(&clean).unwrap_or_else(|_| HeaderValue::from_static("error"))
}

/// Fallback for paths the simulator does not know (counted under their raw path).
pub async fn not_found_fallback() -> ApiError {
    ApiError::not_found("Sorry, we can't find the page you are looking for.")
}

/// Known path, wrong method: a 405 in the Hub's error format.
pub async fn method_not_allowed_fallback() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
}
