//! SCIM `filter`: only `<attribute> eq <value>`, the value quoted or not
//! (`userName eq "bob"` and `userName eq bob` are the same).

use crate::errors::{ApiError, ApiResult};
use crate::extract::Params;

/// A parsed `attr eq value` filter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Filter {
    /// Attribute name, lowercased (`username`, `externalid`, `emails.value`, ...).
    pub attr: String,
    /// The value, unquoted.
    pub value: String,
}

impl Filter {
    /// The request's filter, if any; 400 (`invalidFilter`) for anything but `eq` on one
    /// of `allowed` (lowercase names).
    pub(crate) fn from_params(params: &Params, allowed: &[&str]) -> ApiResult<Option<Filter>> {
        let Some(raw) = params.get("filter").filter(|f| !f.trim().is_empty()) else {
            return Ok(None);
        };
        let invalid =
            || ApiError::bad_request(format!("invalidFilter: unsupported filter {raw:?}")).scim();
        let mut parts = raw.trim().splitn(3, char::is_whitespace);
        let (Some(attr), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid());
        };
        let attr = attr.to_ascii_lowercase();
        if !op.eq_ignore_ascii_case("eq") || !allowed.contains(&attr.as_str()) {
            return Err(invalid());
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value)
            .to_string();
        Ok(Some(Filter { attr, value }))
    }

    /// Case-insensitive comparison (SCIM `userName` and emails are case-insensitive).
    pub(crate) fn matches(&self, candidate: Option<&str>) -> bool {
        candidate.is_some_and(|c| c.eq_ignore_ascii_case(&self.value))
    }
}
