//! The User resource (RFC 7643 §4.1) with the enterprise extension's `manager` and Leaver's
//! extension (`hubUsername`, `successor`). A resource is kept as JSON (every attribute an IdP
//! sends survives a round trip); [`normalize`] cleans what arrives and [`UserView`] reads the
//! attributes Leaver acts on.

use crate::error::ScimError;
use crate::path::{entry_ci, get_ci, remove_ci};
use crate::schemas::{ENTERPRISE_USER, LEAVER_USER, USER};
use serde_json::{Map, Value, json};

/// One of a user's email addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub value: String,
    /// `work`, `home`, `other`...
    pub kind: Option<String>,
    pub primary: bool,
}

/// The attributes of a User that Leaver acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserView {
    pub user_name: String,
    pub external_id: Option<String>,
    pub active: bool,
    pub display_name: Option<String>,
    pub emails: Vec<Email>,
    /// The enterprise extension's `manager.value`: the manager's SCIM id (or, from some IdPs,
    /// their email).
    pub manager: Option<String>,
    /// Leaver's extension.
    pub hub_username: Option<String>,
    /// Leaver's extension.
    pub successor: Option<String>,
}

/// `true`/`false` in any case (Entra sends `"False"`), else `None`.
pub fn truthy(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn text(value: Option<&Value>, attribute: &str) -> Result<Option<String>, ScimError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(other) => Err(ScimError::invalid_value(
            attribute,
            format!("must be a string, got {other}"),
        )),
    }
}

/// Cleans a User as a client sent it, in place: read-only attributes (`id`, `meta`) dropped,
/// `active` made a boolean (from `"False"` too), a `manager` given as a bare string made
/// `{"value": ...}`, `schemas` listing the extensions present. A 400 naming the attribute when
/// the resource cannot be a User (no `userName`, `active` neither boolean nor its word, a string
/// longer than its cap in [`crate::limits`], ...).
pub fn normalize(resource: &mut Value) -> Result<UserView, ScimError> {
    let Some(object) = resource.as_object_mut() else {
        return Err(ScimError::bad(
            crate::ScimType::InvalidSyntax,
            "body",
            "must be a JSON object",
        ));
    };
    remove_ci(object, "id");
    remove_ci(object, "meta");
    remove_ci(object, "schemas");
    lift_qualified(object);
    let active = entry_ci(object, "active");
    *active = match active.take() {
        // Unassigned (never sent, or removed by a PATCH): read as active, stored as absent.
        Value::Null => Value::Null,
        Value::Bool(b) => Value::Bool(b),
        Value::String(s) => Value::Bool(truthy(&s).ok_or_else(|| {
            ScimError::invalid_value("active", format!("must be true or false, got {s:?}"))
        })?),
        other => {
            return Err(ScimError::invalid_value(
                "active",
                format!("must be true or false, got {other}"),
            ));
        }
    };
    if object.get("active").is_some_and(Value::is_null) {
        remove_ci(object, "active");
    }
    if let Some(Value::Object(ext)) = object.get_mut(ENTERPRISE_USER) {
        let manager = entry_ci(ext, "manager");
        match manager.take() {
            Value::String(s) if s.trim().is_empty() => {}
            Value::String(s) => *manager = json!({ "value": s }),
            Value::Null => {}
            other => *manager = other,
        }
        if ext.get("manager").is_some_and(Value::is_null) {
            ext.remove("manager");
        }
    }
    let mut schemas = vec![json!(USER)];
    for urn in crate::schemas::USER_EXTENSIONS {
        match object.get(urn) {
            Some(Value::Object(_)) => schemas.push(json!(urn)),
            Some(Value::Null) => {
                object.remove(urn);
            }
            None => {}
            Some(_) => {
                return Err(ScimError::invalid_value(urn, "must be an object"));
            }
        }
    }
    object.insert("schemas".into(), Value::Array(schemas));
    crate::limits::check(resource)?;
    UserView::read(resource)
}

/// Moves `"urn:...:enterprise:2.0:User:manager": v` (as PATCH values without a path carry
/// them) into the extension's object.
fn lift_qualified(object: &mut Map<String, Value>) {
    let qualified: Vec<String> = object
        .keys()
        .filter(|k| {
            crate::schemas::split_extension(k)
                .is_some_and(|(urn, rest)| urn != USER && !rest.is_empty())
        })
        .cloned()
        .collect();
    for key in qualified {
        let Some(value) = object.remove(&key) else {
            continue;
        };
        let Some((urn, attribute)) = crate::schemas::split_extension(&key) else {
            continue;
        };
        let ext = object.entry(urn).or_insert_with(|| json!({}));
        if !ext.is_object() {
            *ext = json!({});
        }
        if let Some(ext) = ext.as_object_mut() {
            *entry_ci(ext, attribute) = value;
        }
    }
}

impl UserView {
    /// Reads a normalized resource. A 400 naming the attribute when one is malformed.
    pub fn read(resource: &Value) -> Result<UserView, ScimError> {
        let user_name = text(get_ci(resource, "userName"), "userName")?
            .ok_or_else(|| ScimError::invalid_value("userName", "is required"))?;
        let emails = match get_ci(resource, "emails") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    Ok(Email {
                        value: text(get_ci(item, "value"), "emails.value")?.ok_or_else(|| {
                            ScimError::invalid_value("emails.value", "is required")
                        })?,
                        kind: text(get_ci(item, "type"), "emails.type")?,
                        primary: match get_ci(item, "primary") {
                            Some(Value::Bool(b)) => *b,
                            Some(Value::String(s)) => truthy(s).unwrap_or(false),
                            _ => false,
                        },
                    })
                })
                .collect::<Result<_, ScimError>>()?,
            Some(_) => return Err(ScimError::invalid_value("emails", "must be a list")),
        };
        let enterprise = resource.get(ENTERPRISE_USER);
        let manager = match enterprise.and_then(|e| get_ci(e, "manager")) {
            Some(m @ Value::Object(_)) => text(get_ci(m, "value"), "manager.value")?,
            other => text(other, "manager")?,
        };
        let leaver = resource.get(LEAVER_USER);
        Ok(UserView {
            user_name,
            external_id: text(get_ci(resource, "externalId"), "externalId")?,
            active: get_ci(resource, "active")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            display_name: text(get_ci(resource, "displayName"), "displayName")?,
            emails,
            manager,
            hub_username: text(leaver.and_then(|l| get_ci(l, "hubUsername")), "hubUsername")?,
            successor: text(leaver.and_then(|l| get_ci(l, "successor")), "successor")?,
        })
    }

    /// The address to reach the person at: the primary one, else the `work` one, else the first.
    pub fn email(&self) -> Option<&str> {
        self.emails
            .iter()
            .find(|e| e.primary)
            .or_else(|| {
                self.emails.iter().find(|e| {
                    e.kind
                        .as_deref()
                        .is_some_and(|k| k.eq_ignore_ascii_case("work"))
                })
            })
            .or(self.emails.first())
            .map(|e| e.value.as_str())
    }

    /// A name to show: `displayName`, else the `userName`.
    pub fn shown_name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.user_name)
    }
}

/// What the server adds to a stored resource when it answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    pub id: String,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339.
    pub last_modified: String,
    /// A counter, answered as the weak ETag `W/"n"`.
    pub version: i64,
    /// The resource's URL.
    pub location: String,
}

/// `resource` with `id` and `meta`, as answered.
pub fn answered(resource: &Value, meta: &Meta) -> Value {
    let mut out = resource.clone();
    if let Some(object) = out.as_object_mut() {
        object.insert("id".into(), json!(meta.id));
        object.insert(
            "meta".into(),
            json!({
                "resourceType": "User",
                "created": meta.created,
                "lastModified": meta.last_modified,
                "version": format!("W/\"{}\"", meta.version),
                "location": meta.location,
            }),
        );
    }
    out
}

#[cfg(test)]
#[path = "user_tests.rs"]
mod tests;
