//! `ApiQuery<T>`: the query string of an API request, whose rejection is the API's JSON (axum's
//! `Query` answers in plain text). A parameter given twice is a 422 naming it, in the shape of
//! every other bad input; anything else unreadable is a 400.

use crate::AppError;
use crate::error::invalid_input;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;
use std::collections::HashSet;

/// The query string, deserialized into `T`.
#[derive(Debug)]
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Response> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query)
            .map(ApiQuery)
            .map_err(|error| match repeated(query) {
                Some(name) => invalid_input(json!([
                    { "field": name, "message": "is given more than once" }
                ])),
                None => AppError::BadRequest(format!("the query string is malformed: {error}"))
                    .into_response(),
            })
    }
}

/// The first parameter that appears more than once.
fn repeated(query: &str) -> Option<String> {
    let mut seen = HashSet::new();
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(name, _)| name.into_owned())
        .find(|name| !seen.insert(name.clone()))
}
