//! SCIM errors (RFC 7644 §3.12): an HTTP status, a `scimType` for 400s, and a detail that names
//! the attribute at fault.

use serde_json::{Value, json};
use std::fmt;

/// The `scimType` values of RFC 7644 Table 9 that Leaver answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScimType {
    InvalidFilter,
    TooMany,
    Uniqueness,
    Mutability,
    InvalidSyntax,
    InvalidPath,
    NoTarget,
    InvalidValue,
    InvalidVers,
}

impl ScimType {
    /// As the wire spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::TooMany => "tooMany",
            ScimType::Uniqueness => "uniqueness",
            ScimType::Mutability => "mutability",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidPath => "invalidPath",
            ScimType::NoTarget => "noTarget",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidVers => "invalidVers",
        }
    }
}

/// An error as a SCIM client reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<ScimType>,
    pub detail: String,
}

impl ScimError {
    /// A 400 with `scim_type`, whose detail starts with the attribute at fault.
    pub fn bad(scim_type: ScimType, attribute: &str, detail: impl fmt::Display) -> ScimError {
        ScimError {
            status: 400,
            scim_type: Some(scim_type),
            detail: format!("{attribute}: {detail}"),
        }
    }

    /// `invalidValue` on `attribute`.
    pub fn invalid_value(attribute: &str, detail: impl fmt::Display) -> ScimError {
        ScimError::bad(ScimType::InvalidValue, attribute, detail)
    }

    /// A status without a `scimType` (401, 404, 409 without one, 500...).
    pub fn status(status: u16, detail: impl Into<String>) -> ScimError {
        ScimError {
            status,
            scim_type: None,
            detail: detail.into(),
        }
    }

    /// 404 for the resource `id`.
    pub fn not_found(id: &str) -> ScimError {
        ScimError::status(404, format!("no User has the id {id:?}"))
    }

    /// 409 `uniqueness` on `attribute`.
    pub fn uniqueness(attribute: &str, detail: impl fmt::Display) -> ScimError {
        ScimError {
            status: 409,
            scim_type: Some(ScimType::Uniqueness),
            detail: format!("{attribute}: {detail}"),
        }
    }

    /// The body: `status` is a string, as RFC 7644 §3.12 writes it.
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "schemas": [crate::schemas::ERROR],
            "status": self.status.to_string(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t.as_str());
        }
        body
    }
}

impl fmt::Display for ScimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.detail)
    }
}

impl std::error::Error for ScimError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_carries_the_status_as_a_string_and_the_scim_type() {
        let body = ScimError::invalid_value("userName", "is required").to_json();
        assert_eq!(body["status"], "400");
        assert_eq!(body["scimType"], "invalidValue");
        assert_eq!(body["schemas"][0], crate::schemas::ERROR);
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with("userName"))
        );
        assert!(
            ScimError::not_found("x")
                .to_json()
                .get("scimType")
                .is_none()
        );
    }
}
