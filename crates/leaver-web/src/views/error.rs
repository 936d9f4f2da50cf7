//! Errors on pages: the same [`AppError`], rendered as an HTML page instead of JSON.

use crate::AppError;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// An [`AppError`] met while serving a page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(error: E) -> PageError {
        PageError(error.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self.0 {
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing here.".to_owned(),
            ),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Bad request", m.clone()),
            AppError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, "Not logged in", m.clone()),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "Refused", m.clone()),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "Not possible now", m.clone()),
            AppError::Validation(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Invalid input",
                fields
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            AppError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, "Unavailable", m.clone()),
            // Logged with its chain by AppError's own response.
            AppError::Internal(_) => return internal(self.0),
        };
        let page = ErrorPage {
            status: status.as_u16(),
            title,
            message,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, title.to_owned()).into_response(),
        }
    }
}

fn internal(error: AppError) -> Response {
    let status = error.into_response().status();
    let page = ErrorPage {
        status: status.as_u16(),
        title: "Something went wrong",
        message:
            "Leaver met an internal error; it was logged. Try again, or ask the operator on call."
                .into(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}
