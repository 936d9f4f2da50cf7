//! SCIM answers: a status and a JSON body sent as `application/scim+json`; reading a body as
//! JSON whatever its declared type (IdPs send `application/json` too).

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use leaver_app::scim::wire::{MEDIA_TYPE, ScimError, ScimType};
use serde_json::Value;

/// A SCIM answer.
#[derive(Debug)]
pub struct ScimReply {
    pub status: StatusCode,
    pub body: Option<Value>,
}

impl ScimReply {
    pub fn ok(body: Value) -> ScimReply {
        ScimReply {
            status: StatusCode::OK,
            body: Some(body),
        }
    }

    pub fn created(body: Value) -> ScimReply {
        ScimReply {
            status: StatusCode::CREATED,
            body: Some(body),
        }
    }

    pub fn no_content() -> ScimReply {
        ScimReply {
            status: StatusCode::NO_CONTENT,
            body: None,
        }
    }

    pub fn error(error: &ScimError) -> ScimReply {
        ScimReply {
            status: StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: Some(error.to_json()),
        }
    }

    /// A short outcome for the calls list: the error's detail, or the status.
    pub fn outcome(&self) -> String {
        match self
            .body
            .as_ref()
            .and_then(|b| b.get("detail"))
            .and_then(Value::as_str)
        {
            Some(detail) => detail.to_owned(),
            None => self.status.canonical_reason().unwrap_or("").to_owned(),
        }
    }
}

impl From<Result<ScimReply, ScimError>> for ScimReply {
    fn from(result: Result<ScimReply, ScimError>) -> ScimReply {
        result.unwrap_or_else(|e| ScimReply::error(&e))
    }
}

impl IntoResponse for ScimReply {
    fn into_response(self) -> Response {
        match self.body {
            Some(body) => {
                (self.status, [(CONTENT_TYPE, MEDIA_TYPE)], body.to_string()).into_response()
            }
            None => self.status.into_response(),
        }
    }
}

/// The request body as JSON, or a 400 `invalidSyntax` naming the body.
pub fn json_body(bytes: &Bytes) -> Result<Value, ScimError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ScimError::bad(ScimType::InvalidSyntax, "body", format!("is not JSON: {e}")))
}
