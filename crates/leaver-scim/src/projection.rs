//! `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes an answer
//! carries. `id` and `schemas` are always returned. Names may carry a sub-attribute
//! (`name.givenName`) or a schema URN (`urn:...:enterprise:2.0:User:manager`, or a bare
//! extension URN for its whole object).

use crate::path::{get_ci, key_ci, same_name};
use crate::schemas::{USER, split_extension};
use serde_json::{Map, Value};

/// One attribute named: its container (an extension URN, or `None` for the core), its name
/// (empty for a whole extension) and its sub-attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Named {
    extension: Option<&'static str>,
    attribute: String,
    sub: Option<String>,
}

fn named(raw: &str) -> Option<Named> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let (extension, rest) = match split_extension(raw) {
        Some((urn, rest)) if urn == USER => (None, rest),
        Some((urn, rest)) => (Some(urn), rest),
        None => (None, raw),
    };
    let (attribute, sub) = match rest.split_once('.') {
        Some((a, s)) => (a.to_owned(), Some(s.to_owned())),
        None => (rest.to_owned(), None),
    };
    Some(Named {
        extension,
        attribute,
        sub,
    })
}

fn list(raw: Option<&str>) -> Vec<Named> {
    raw.map(|r| r.split(',').filter_map(named).collect())
        .unwrap_or_default()
}

/// Which attributes to answer with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Projection {
    attributes: Vec<Named>,
    excluded: Vec<Named>,
}

const ALWAYS: [&str; 2] = ["id", "schemas"];

impl Projection {
    /// From the comma-separated `attributes` and `excludedAttributes`.
    pub fn parse(attributes: Option<&str>, excluded: Option<&str>) -> Projection {
        Projection {
            attributes: list(attributes),
            excluded: list(excluded),
        }
    }

    /// `resource` with only the attributes asked for, or without those excluded.
    pub fn apply(&self, resource: &Value) -> Value {
        let Some(object) = resource.as_object() else {
            return resource.clone();
        };
        let mut out = if self.attributes.is_empty() {
            object.clone()
        } else {
            let mut kept = Map::new();
            for key in ALWAYS {
                if let Some(v) = object.get(key) {
                    kept.insert(key.to_owned(), v.clone());
                }
            }
            for name in &self.attributes {
                copy(object, &mut kept, name);
            }
            kept
        };
        for name in &self.excluded {
            if name.extension.is_none() && ALWAYS.iter().any(|a| same_name(a, &name.attribute)) {
                continue;
            }
            remove(&mut out, name);
        }
        Value::Object(out)
    }
}

fn container<'m>(object: &'m Map<String, Value>, name: &Named) -> Option<&'m Map<String, Value>> {
    match name.extension {
        None => Some(object),
        Some(urn) => object.get(urn)?.as_object(),
    }
}

fn copy(from: &Map<String, Value>, to: &mut Map<String, Value>, name: &Named) {
    let Some(source) = container(from, name) else {
        return;
    };
    let target = match name.extension {
        None => to,
        Some(urn) => {
            let ext = to.entry(urn).or_insert_with(|| Value::Object(Map::new()));
            match ext.as_object_mut() {
                Some(ext) => ext,
                None => return,
            }
        }
    };
    if name.attribute.is_empty() {
        target.extend(source.clone());
        return;
    }
    let key = key_ci(source, &name.attribute);
    let Some(value) = source.get(&key) else {
        return;
    };
    let picked = match &name.sub {
        None => value.clone(),
        Some(sub) => pick_sub(value, sub, target.get(&key)),
    };
    target.insert(key, picked);
}

/// `value`'s sub-attribute `sub` (in each element of a list), merged with what `already` holds.
fn pick_sub(value: &Value, sub: &str, already: Option<&Value>) -> Value {
    let one = |v: &Value, had: Option<&Value>| {
        let mut kept = had.and_then(Value::as_object).cloned().unwrap_or_default();
        if let Some(s) = get_ci(v, sub) {
            kept.insert(sub.to_owned(), s.clone());
        }
        Value::Object(kept)
    };
    match value {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| one(v, already.and_then(|a| a.get(i))))
                .collect(),
        ),
        other => one(other, already),
    }
}

fn remove(object: &mut Map<String, Value>, name: &Named) {
    let target = match name.extension {
        None => object,
        Some(urn) if name.attribute.is_empty() => {
            object.remove(urn);
            return;
        }
        Some(urn) => match object.get_mut(urn).and_then(Value::as_object_mut) {
            Some(ext) => ext,
            None => return,
        },
    };
    let key = key_ci(target, &name.attribute);
    match &name.sub {
        None => {
            target.remove(&key);
        }
        Some(sub) => match target.get_mut(&key) {
            Some(Value::Array(items)) => {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    let k = key_ci(item, sub);
                    item.remove(&k);
                }
            }
            Some(Value::Object(inner)) => {
                let k = key_ci(inner, sub);
                inner.remove(&k);
            }
            _ => {}
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({"id": "1", "schemas": [USER], "userName": "bob", "name": {"givenName": "B", "familyName": "F"},
               "emails": [{"value": "b@x", "type": "work"}],
               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "m"}, "department": "d"}})
    }

    #[test]
    fn attributes_keep_what_is_asked_and_the_id() {
        let p = Projection::parse(
            Some(
                "userName,name.givenName,emails.value,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
            ),
            None,
        );
        assert_eq!(
            p.apply(&user()),
            json!({"id": "1", "schemas": [USER], "userName": "bob", "name": {"givenName": "B"},
                   "emails": [{"value": "b@x"}],
                   "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "m"}}})
        );
    }

    #[test]
    fn excluded_attributes_go_but_never_the_id() {
        let p = Projection::parse(
            None,
            Some("name,id,emails.type,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
        );
        let out = p.apply(&user());
        assert!(out.get("name").is_none());
        assert_eq!(out["id"], "1");
        assert_eq!(out["emails"], json!([{"value": "b@x"}]));
        assert!(out.get(crate::schemas::ENTERPRISE_USER).is_none());
    }
}
