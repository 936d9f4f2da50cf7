//! Request extractors that fail the Hub's way (JSON errors), not axum's (plain text).
//!
//! `Params` keeps repeated query keys (`expand=a&expand=b`) and knows the request's own
//! URL, so pagination can build the full `Link` URL. `JsonBody` parses a body whatever its
//! content type (SCIM clients send `application/scim+json`) and names the failing field.

use std::convert::Infallible;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::errors::ApiError;

/// The query string as ordered pairs, plus the request's own URL.
#[derive(Debug, Clone)]
pub struct Params {
    pairs: Vec<(String, String)>,
    raw: String,
    /// `http://host/path`, without the query.
    self_url: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Params, Infallible> {
        let raw = parts.uri.query().unwrap_or("").to_string();
        let pairs = form_urlencoded::parse(raw.as_bytes())
            .into_owned()
            .collect();
        let host = parts
            .headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        let self_url = format!("http://{host}{}", parts.uri.path());
        Ok(Params {
            pairs,
            raw,
            self_url,
        })
    }
}

impl Params {
    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeatable key.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Parses `key` as a number: `None` when absent, 400 when not a number.
    pub fn number(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                ApiError::bad_request(format!("Invalid {key}: {v:?} is not a number"))
            }),
        }
    }

    /// This request's URL with `cursor` replaced, every other parameter kept as sent.
    pub fn url_with_cursor(&self, cursor: &str) -> String {
        let mut kept: Vec<&str> = self
            .raw
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("cursor="))
            .collect();
        let cursor = format!("cursor={cursor}");
        kept.push(&cursor);
        format!("{}?{}", self.self_url, kept.join("&"))
    }

    /// The request's URL without a query (SCIM `meta.location` base).
    pub fn self_url(&self) -> &str {
        &self.self_url
    }
}

/// A JSON body, read whatever the content type.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<JsonBody<T>, ApiError> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(format!("Cannot read body: {e}")))?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses JSON, naming the failing field in the 400 message.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let at = e.path().to_string();
        ApiError::bad_request(format!("Invalid JSON body at `{at}`: {}", e.into_inner()))
    })
}
