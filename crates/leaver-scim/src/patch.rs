//! PATCH (RFC 7644 §3.5.2): a list of `add`, `replace`, `remove` operations, with or without a
//! path. Operation names compare without case (Entra sends `"Replace"`); a value object without
//! a path sets each of its attributes (Okta's `{"active": false}`, Entra's `"name.givenName"`
//! keys and URN-qualified keys). The caller normalizes and checks the result
//! ([`crate::user::normalize`]), so a PATCH that makes a bad User writes nothing.

use crate::error::{ScimError, ScimType};
use crate::filter::{Filter, Op};
use crate::path::{AttrPath, entry_ci, get_ci, remove_ci};
use serde_json::{Map, Value, json};

/// What an operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Add,
    Replace,
    Remove,
}

/// One operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub kind: Kind,
    pub path: Option<AttrPath>,
    pub value: Option<Value>,
}

/// A PATCH request's operations, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct PatchOp {
    pub operations: Vec<Operation>,
}

fn syntax(attribute: &str, detail: impl std::fmt::Display) -> ScimError {
    ScimError::bad(ScimType::InvalidSyntax, attribute, detail)
}

impl PatchOp {
    /// Parses a PatchOp body, or a 400 naming what is wrong (`Operations`, `op`, `path`).
    pub fn parse(body: &Value) -> Result<PatchOp, ScimError> {
        let operations = match get_ci(body, "Operations") {
            Some(Value::Array(ops)) if !ops.is_empty() => ops,
            Some(Value::Array(_)) => return Err(syntax("Operations", "is empty")),
            Some(_) => return Err(syntax("Operations", "must be a list")),
            None => return Err(syntax("Operations", "is required")),
        };
        let operations = operations
            .iter()
            .map(|op| {
                let kind = match get_ci(op, "op")
                    .and_then(Value::as_str)
                    .map(str::to_ascii_lowercase)
                {
                    Some(k) if k == "add" => Kind::Add,
                    Some(k) if k == "replace" => Kind::Replace,
                    Some(k) if k == "remove" => Kind::Remove,
                    Some(k) => {
                        return Err(syntax(
                            "op",
                            format!("must be add, replace or remove, got {k:?}"),
                        ));
                    }
                    None => return Err(syntax("op", "is required")),
                };
                let path = match get_ci(op, "path") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(p)) if p.trim().is_empty() => None,
                    Some(Value::String(p)) => Some(AttrPath::parse(p)?),
                    Some(_) => return Err(syntax("path", "must be a string")),
                };
                let value = get_ci(op, "value").filter(|v| !v.is_null()).cloned();
                match (kind, &path, &value) {
                    (Kind::Remove, None, _) => Err(ScimError::bad(
                        ScimType::NoTarget,
                        "path",
                        "is required to remove",
                    )),
                    (Kind::Add | Kind::Replace, _, None) => Err(ScimError::invalid_value(
                        "value",
                        "is required to add or replace",
                    )),
                    (Kind::Add | Kind::Replace, None, Some(v)) if !v.is_object() => {
                        Err(ScimError::invalid_value(
                            "value",
                            "must be an object when there is no path",
                        ))
                    }
                    _ => Ok(Operation { kind, path, value }),
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(PatchOp { operations })
    }

    /// Applies every operation to `resource` (a User as JSON), in order.
    pub fn apply(&self, resource: &mut Value) -> Result<(), ScimError> {
        for op in &self.operations {
            match (&op.path, &op.value) {
                (Some(path), value) => apply_at(resource, path, op.kind, value.as_ref())?,
                (None, Some(Value::Object(values))) => {
                    for (key, value) in values {
                        apply_unpathed(resource, key, value, op.kind)?;
                    }
                }
                (None, _) => return Err(ScimError::bad(ScimType::NoTarget, "path", "is required")),
            }
        }
        Ok(())
    }
}

/// One attribute of a value object sent without a path: a bare extension URN holding an
/// object sets each attribute inside; any other key is read as a path.
fn apply_unpathed(
    resource: &mut Value,
    key: &str,
    value: &Value,
    kind: Kind,
) -> Result<(), ScimError> {
    if let Some((urn, "")) = crate::schemas::split_extension(key)
        && urn != crate::schemas::USER
        && let Value::Object(inner) = value
    {
        for (attribute, v) in inner {
            apply_unpathed(resource, &format!("{urn}:{attribute}"), v, kind)?;
        }
        return Ok(());
    }
    if matches!(key.to_ascii_lowercase().as_str(), "schemas" | "id" | "meta") {
        return Ok(());
    }
    let path = AttrPath::parse(key)?;
    apply_at(resource, &path, kind, Some(value))
}

fn target_object<'v>(
    resource: &'v mut Value,
    path: &AttrPath,
    create: bool,
) -> Option<&'v mut Map<String, Value>> {
    let root = resource.as_object_mut()?;
    match path.extension {
        None => Some(root),
        Some(urn) => {
            if !create && !root.contains_key(urn) {
                return None;
            }
            let ext = root.entry(urn).or_insert_with(|| json!({}));
            if !ext.is_object() {
                *ext = json!({});
            }
            ext.as_object_mut()
        }
    }
}

/// A path naming an extension's whole object: replaced, merged into, or removed.
fn apply_to_extension(
    resource: &mut Value,
    urn: &str,
    kind: Kind,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let Some(root) = resource.as_object_mut() else {
        return Ok(());
    };
    match (kind, value) {
        (Kind::Remove, _) => {
            root.remove(urn);
        }
        (Kind::Add, Some(Value::Object(more))) => {
            let ext = root.entry(urn).or_insert_with(|| json!({}));
            match ext {
                Value::Object(have) => have.extend(more.clone()),
                other => *other = Value::Object(more.clone()),
            }
        }
        (Kind::Replace, Some(v @ Value::Object(_))) => {
            root.insert(urn.to_owned(), v.clone());
        }
        _ => return Err(ScimError::invalid_value(urn, "must be an object")),
    }
    Ok(())
}

fn apply_at(
    resource: &mut Value,
    path: &AttrPath,
    kind: Kind,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    if let Some(urn) = path.extension
        && path.attribute.is_empty()
    {
        return apply_to_extension(resource, urn, kind, value);
    }
    let create = kind != Kind::Remove;
    let Some(object) = target_object(resource, path, create) else {
        return Ok(());
    };
    let value = value.cloned().unwrap_or(Value::Null);
    match (&path.filter, &path.sub) {
        (None, None) => {
            if kind == Kind::Remove {
                remove_ci(object, &path.attribute);
                return Ok(());
            }
            let slot = entry_ci(object, &path.attribute);
            match (kind, slot, value) {
                (Kind::Add, Value::Array(items), Value::Array(more)) => items.extend(more),
                (Kind::Add, Value::Array(items), one @ Value::Object(_)) => items.push(one),
                (Kind::Add, Value::Object(have), Value::Object(more)) => have.extend(more),
                (_, slot, value) => *slot = value,
            }
        }
        (None, Some(sub)) => {
            if kind == Kind::Remove {
                if let Some(Value::Object(inner)) =
                    object.get_mut(&crate::path::key_ci(object, &path.attribute))
                {
                    remove_ci(inner, sub);
                }
                return Ok(());
            }
            let slot = entry_ci(object, &path.attribute);
            if !slot.is_object() {
                *slot = json!({});
            }
            if let Some(inner) = slot.as_object_mut() {
                *entry_ci(inner, sub) = value;
            }
        }
        (Some(filter), sub) => apply_filtered(object, path, filter, sub.as_deref(), kind, value)?,
    }
    Ok(())
}

/// `emails[type eq "work"].value`: the matching elements of a multi-valued attribute.
fn apply_filtered(
    object: &mut Map<String, Value>,
    path: &AttrPath,
    filter: &Filter,
    sub: Option<&str>,
    kind: Kind,
    value: Value,
) -> Result<(), ScimError> {
    let slot = entry_ci(object, &path.attribute);
    if slot.is_null() {
        *slot = json!([]);
    }
    let Value::Array(items) = slot else {
        return Err(ScimError::bad(
            ScimType::InvalidPath,
            "path",
            format!("{} is not multi-valued", path.name()),
        ));
    };
    let matched: Vec<usize> = (0..items.len())
        .filter(|i| filter.matches(&items[*i]))
        .collect();
    match (kind, sub) {
        (Kind::Remove, None) => {
            let mut i = 0;
            items.retain(|_| {
                i += 1;
                !matched.contains(&(i - 1))
            });
        }
        (Kind::Remove, Some(sub)) => {
            for i in matched {
                if let Some(element) = items[i].as_object_mut() {
                    remove_ci(element, sub);
                }
            }
        }
        (_, _) if matched.is_empty() => {
            // Entra sets `emails[type eq "work"].value` on a user with no work email yet: the
            // element the filter describes is made.
            let mut element = seed(filter).ok_or_else(|| {
                ScimError::bad(
                    ScimType::NoTarget,
                    "path",
                    format!("{} matches nothing", path.name()),
                )
            })?;
            write_element(&mut element, sub, value);
            items.push(Value::Object(element));
        }
        (_, _) => {
            for i in matched {
                if let Value::Object(element) = &mut items[i] {
                    write_element(element, sub, value.clone());
                }
            }
        }
    }
    Ok(())
}

fn write_element(element: &mut Map<String, Value>, sub: Option<&str>, value: Value) {
    match (sub, value) {
        (Some(sub), value) => *entry_ci(element, sub) = value,
        (None, Value::Object(fields)) => element.extend(fields),
        (None, other) => *entry_ci(element, "value") = other,
    }
}

/// The element an `a eq "x" [and b eq "y"]` filter describes.
fn seed(filter: &Filter) -> Option<Map<String, Value>> {
    match filter {
        Filter::Compare {
            path,
            op: Op::Eq,
            value,
        } if !path.contains('.') => Some(Map::from_iter([(path.clone(), value.clone())])),
        Filter::And(a, b) => {
            let mut element = seed(a)?;
            element.extend(seed(b)?);
            Some(element)
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "patch_tests.rs"]
mod tests;
