//! One error type for every handler, turned into a response in one place.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leaver_core::FieldError;
use serde_json::json;

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Logged with its full chain; the client sees a generic message.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<leaver_app::Error> for AppError {
    fn from(error: leaver_app::Error) -> Self {
        use leaver_app::Error;
        match error {
            Error::NotFound(_) => AppError::NotFound,
            Error::Invalid(fields) => AppError::Validation(fields),
            Error::Conflict(message) => AppError::Conflict(message),
            Error::Unavailable(message) => AppError::Unavailable(message),
            Error::Internal(e) => AppError::Internal(e),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            AppError::NotFound => (StatusCode::NOT_FOUND, json!({ "error": "not found" })),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, json!({ "error": m })),
            AppError::Unauthorized(m) => {
                let body = Json(json!({ "error": m }));
                let challenge = [(axum::http::header::WWW_AUTHENTICATE, "Bearer")];
                return (StatusCode::UNAUTHORIZED, challenge, body).into_response();
            }
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, json!({ "error": m })),
            AppError::Conflict(m) => (StatusCode::CONFLICT, json!({ "error": m })),
            AppError::Validation(fields) => return invalid_input(fields),
            AppError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, json!({ "error": m })),
            AppError::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({ "error": "internal error" }),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

/// The 422 every bad input gets: `{"error": "invalid input", "fields": [{"field", "message"}]}`.
pub(crate) fn invalid_input(fields: impl serde::Serialize) -> Response {
    let body = json!({ "error": "invalid input", "fields": fields });
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}
