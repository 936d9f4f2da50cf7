//! PATCH paths (RFC 7644 §3.5.2): `active`, `name.givenName`, `emails[type eq "work"].value`,
//! `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`. Attribute names compare
//! without case (RFC 7643 §2.1), so helpers here find keys that way.

use crate::error::{ScimError, ScimType};
use crate::filter::Filter;
use serde_json::{Map, Value};

/// A parsed PATCH path.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrPath {
    /// The extension the attribute lives in (its URN), or `None` for the core schema.
    pub extension: Option<&'static str>,
    /// The attribute, e.g. `emails`.
    pub attribute: String,
    /// The value filter, e.g. `type eq "work"`.
    pub filter: Option<Filter>,
    /// The sub-attribute, e.g. `value` (from `emails[...].value` or `name.givenName`).
    pub sub: Option<String>,
}

fn bad(raw: &str, detail: &str) -> ScimError {
    ScimError::bad(ScimType::InvalidPath, "path", format!("{raw:?} {detail}"))
}

impl AttrPath {
    /// Parses `raw`, or a 400 `invalidPath`.
    pub fn parse(raw: &str) -> Result<AttrPath, ScimError> {
        let trimmed = raw.trim();
        let (extension, rest) = match crate::schemas::split_extension(trimmed) {
            Some((urn, rest)) if urn == crate::schemas::USER => (None, rest),
            Some((urn, rest)) => (Some(urn), rest),
            None if trimmed.to_ascii_lowercase().starts_with("urn:") => {
                return Err(bad(raw, "names a schema this service does not know"));
            }
            None => (None, trimmed),
        };
        let (head, filter, tail) = match rest.find('[') {
            Some(open) => {
                let close = rest
                    .rfind(']')
                    .filter(|c| *c > open)
                    .ok_or_else(|| bad(raw, "has '[' without ']'"))?;
                let filter = Filter::parse(&rest[open + 1..close])
                    .map_err(|e| bad(raw, &format!("has a bad filter ({})", e.detail)))?;
                let tail = &rest[close + 1..];
                let tail = if tail.is_empty() {
                    None
                } else {
                    Some(
                        tail.strip_prefix('.')
                            .ok_or_else(|| bad(raw, "needs '.' after ']'"))?,
                    )
                };
                (&rest[..open], Some(filter), tail)
            }
            None => match rest.split_once('.') {
                Some((head, sub)) => (head, None, Some(sub)),
                None => (rest, None, None),
            },
        };
        let valid = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
        };
        if extension.is_some() && rest.is_empty() {
            // The extension's whole object (`urn:...:enterprise:2.0:User`).
            return Ok(AttrPath {
                extension,
                attribute: String::new(),
                filter: None,
                sub: None,
            });
        }
        if !valid(head) || tail.is_some_and(|t| !valid(t)) {
            return Err(bad(raw, "is not an attribute path"));
        }
        Ok(AttrPath {
            extension,
            attribute: head.to_owned(),
            filter,
            sub: tail.map(str::to_owned),
        })
    }

    /// The attribute as an error names it, e.g. `emails.value` or `...:User:manager`.
    pub fn name(&self) -> String {
        let base = match self.extension {
            Some(urn) => format!("{urn}:{}", self.attribute),
            None => self.attribute.clone(),
        };
        match &self.sub {
            Some(sub) => format!("{base}.{sub}"),
            None => base,
        }
    }
}

/// Whether two attribute names are the same attribute (names compare without case).
pub fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// `value[key]`, the key compared without case.
pub fn get_ci<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    let object = value.as_object()?;
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| same_name(k, key))
            .map(|(_, v)| v)
    })
}

/// The key `object` holds for `key` (compared without case), or `key` itself.
pub fn key_ci(object: &Map<String, Value>, key: &str) -> String {
    object
        .keys()
        .find(|k| same_name(k, key))
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// `object[key]` for writing, created (as `null`) under `key` when absent.
pub fn entry_ci<'m>(object: &'m mut Map<String, Value>, key: &str) -> &'m mut Value {
    let key = key_ci(object, key);
    object.entry(key).or_insert(Value::Null)
}

/// Removes `object[key]` (compared without case).
pub fn remove_ci(object: &mut Map<String, Value>, key: &str) -> Option<Value> {
    let key = key_ci(object, key);
    object.remove(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_with_filters_sub_attributes_and_extensions() {
        let p = AttrPath::parse(r#"emails[type eq "work"].value"#).expect("path");
        assert_eq!(
            (p.attribute.as_str(), p.sub.as_deref()),
            ("emails", Some("value"))
        );
        assert!(p.filter.is_some());
        let p =
            AttrPath::parse(&format!("{}:manager", crate::schemas::ENTERPRISE_USER)).expect("path");
        assert_eq!(p.extension, Some(crate::schemas::ENTERPRISE_USER));
        assert_eq!(p.attribute, "manager");
        let p = AttrPath::parse("name.givenName").expect("path");
        assert_eq!(p.sub.as_deref(), Some("givenName"));
        let p = AttrPath::parse(&format!("{}:active", crate::schemas::USER)).expect("path");
        assert_eq!((p.extension, p.attribute.as_str()), (None, "active"));
        for bad in [
            "",
            "emails[type eq",
            "a b",
            "urn:x:y:z",
            "emails[type eq \"w\"]value",
        ] {
            assert!(AttrPath::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }
}
