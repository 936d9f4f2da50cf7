//! How long a User's text may be. Without caps a single attribute could fill the 2 MB body the
//! server accepts, and be stored, audited and shown as sent. Each string of a User (wherever
//! it sits: core attributes, `name` parts, `emails`, the extensions, attributes Leaver only
//! keeps) is capped, by the attribute's own limit where it has one and [`DEFAULT_MAX`]
//! otherwise; a longer one is a 400 `invalidValue` naming the attribute, and nothing is
//! written. Attribute names are capped too. Lengths are in characters (Unicode scalar values),
//! as SCIM's strings are.
//!
//! The limits are generous for what real IdPs send and fit the places values go: an address
//! fits SMTP's 254, a Hub username the Hub's own rule (checked again when a case opens).

use crate::error::ScimError;
use serde_json::Value;

/// The cap of a string attribute without a limit of its own (addresses, titles, ...).
pub const DEFAULT_MAX: usize = 1024;
/// The cap of an attribute's name.
pub const NAME_MAX: usize = 256;

/// The attributes with a limit of their own, by their path without the extension URN (`.` between
/// a complex attribute and its sub-attribute, none for a list's index), in lower case.
const LIMITS: &[(&str, usize)] = &[
    ("username", 256),
    ("externalid", 256),
    ("displayname", 256),
    ("nickname", 256),
    ("title", 256),
    ("name.formatted", 512),
    ("name.givenname", 256),
    ("name.familyname", 256),
    ("name.middlename", 256),
    ("name.honorificprefix", 64),
    ("name.honorificsuffix", 64),
    ("emails.value", 254),
    ("emails.type", 64),
    ("emails.display", 256),
    ("hubusername", 96),
    ("successor", 96),
    ("manager.value", 256),
    ("manager.displayname", 256),
];

/// The cap of the string at `path` (as [`LIMITS`] spells paths).
pub fn max_len(path: &str) -> usize {
    let path = path.to_ascii_lowercase();
    LIMITS
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(DEFAULT_MAX, |(_, max)| *max)
}

/// Checks every string and attribute name of `resource` against its cap; the first too long is
/// a 400 naming it.
pub fn check(resource: &Value) -> Result<(), ScimError> {
    walk(resource, "")
}

fn walk(value: &Value, path: &str) -> Result<(), ScimError> {
    match value {
        Value::String(s) => {
            let len = s.chars().count();
            let max = max_len(path);
            if len > max {
                return Err(ScimError::invalid_value(
                    if path.is_empty() { "value" } else { path },
                    format!("is {len} characters long; at most {max} are accepted"),
                ));
            }
            Ok(())
        }
        Value::Array(items) => items.iter().try_for_each(|item| walk(item, path)),
        Value::Object(fields) => fields.iter().try_for_each(|(key, item)| {
            let len = key.chars().count();
            if len > NAME_MAX {
                return Err(ScimError::invalid_value(
                    "body",
                    format!("an attribute name is {len} characters long; at most {NAME_MAX} are accepted"),
                ));
            }
            walk(item, &child(path, key))
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

/// The path of `key` under `path`: an extension's URN is left out (its attributes are named as
/// the core's are), and a URN-qualified name keeps only its attribute.
fn child(path: &str, key: &str) -> String {
    let name = match crate::schemas::split_extension(key) {
        Some((_, "")) => return path.to_owned(),
        Some((_, attribute)) => attribute,
        None => key,
    };
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn long(n: usize) -> String {
        "é".repeat(n)
    }

    #[test]
    fn each_attribute_is_held_to_its_own_cap_and_named() {
        let user = |value: Value| {
            let mut base = json!({"userName": "bob@acme.test"});
            if let (Some(b), Value::Object(v)) = (base.as_object_mut(), value) {
                b.extend(v);
            }
            base
        };
        let cases = [
            (json!({"userName": long(257)}), "userName"),
            (json!({"externalId": long(257)}), "externalId"),
            (json!({"displayName": long(257)}), "displayName"),
            (json!({"name": {"givenName": long(257)}}), "name.givenName"),
            (json!({"name": {"formatted": long(513)}}), "name.formatted"),
            (json!({"emails": [{"value": long(255)}]}), "emails.value"),
            (
                json!({"urn:ietf:params:scim:schemas:extension:leaver:2.0:User": {"hubUsername": long(97)}}),
                "hubUsername",
            ),
            (
                json!({"urn:ietf:params:scim:schemas:extension:leaver:2.0:User": {"successor": long(97)}}),
                "successor",
            ),
            (
                json!({"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": long(257)}}}),
                "manager.value",
            ),
            (
                json!({"addresses": [{"streetAddress": long(DEFAULT_MAX + 1)}]}),
                "addresses.streetAddress",
            ),
        ];
        for (extra, attribute) in cases {
            let err = check(&user(extra)).expect_err(attribute);
            assert_eq!(err.status, 400);
            assert_eq!(err.scim_type, Some(crate::ScimType::InvalidValue));
            assert!(
                err.detail.starts_with(&format!("{attribute}: ")),
                "{} should name {attribute}",
                err.detail
            );
        }
    }

    #[test]
    fn values_at_their_cap_pass() {
        let user = json!({
            "userName": long(256),
            "name": {"formatted": long(512), "givenName": long(256)},
            "emails": [{"value": long(254)}],
            "urn:ietf:params:scim:schemas:extension:leaver:2.0:User": {"hubUsername": long(96)},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": long(256)}},
            "addresses": [{"streetAddress": long(DEFAULT_MAX)}]
        });
        check(&user).expect("at the caps");
    }

    #[test]
    fn an_overlong_attribute_name_is_refused() {
        let mut user = json!({"userName": "b"});
        user[long(NAME_MAX + 1)] = json!("x");
        let err = check(&user).expect_err("long name");
        assert!(err.detail.starts_with("body: "), "{}", err.detail);
    }
}
