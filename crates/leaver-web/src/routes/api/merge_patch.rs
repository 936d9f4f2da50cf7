//! The body of `PATCH /api/v1/cases/{id}`: a JSON merge patch (RFC 7396) of the ticket. A field
//! set to a string changes it, `null` clears it, a missing one stays. Only the fields HR may
//! change are taken; every other field, and every value that is neither a string nor null, is
//! named in the 422.

use leaver_core::{FieldError, Patch, TicketPatch};
use serde_json::{Map, Value};

/// The fields a patch may change, as the API spells them.
pub const CHANGEABLE: &str = "effective_at, manager_email, successor, reason, person.name, person.hub_username (while the case waits for it)";

/// The ticket patch in `body` as far as it reads, and every field that is not one HR may change
/// or not a string or null (the values themselves are checked against the case later, so that
/// a 422 names every bad field at once).
pub fn ticket_patch(body: &Value) -> (TicketPatch, Vec<FieldError>) {
    let Value::Object(fields) = body else {
        let error = FieldError {
            field: "body",
            message: "must be a JSON object: a merge patch of the ticket".into(),
        };
        return (TicketPatch::default(), vec![error]);
    };
    let mut errors = Vec::new();
    let mut patch = TicketPatch::default();
    for (key, value) in fields {
        let slot = match key.as_str() {
            "effective_at" => &mut patch.effective_at,
            "manager_email" => &mut patch.manager_email,
            "successor" => &mut patch.successor,
            "reason" => &mut patch.reason,
            "person" => {
                person(value, &mut patch, &mut errors);
                continue;
            }
            "external_id" => {
                errors.push(unchangeable("external_id", "it names the HR ticket"));
                continue;
            }
            other => {
                errors.push(FieldError {
                    field: "body",
                    message: format!(
                        "{:?} is not a field a patch may change ({CHANGEABLE})",
                        short(other)
                    ),
                });
                continue;
            }
        };
        match text(value) {
            Some(patched) => *slot = patched,
            None => errors.push(not_text(field_name(key))),
        }
    }
    (patch, errors)
}

/// `person`: an object whose changeable fields are `name` and, on a case waiting for it,
/// `hub_username` (the core refuses it elsewhere).
fn person(value: &Value, patch: &mut TicketPatch, errors: &mut Vec<FieldError>) {
    let Value::Object(person) = value else {
        errors.push(FieldError {
            field: "person",
            message: "must be an object".into(),
        });
        return;
    };
    for (key, value) in person as &Map<String, Value> {
        match key.as_str() {
            "name" => match text(value) {
                Some(patched) => patch.name = patched,
                None => errors.push(not_text("person.name")),
            },
            "hub_username" => match text(value) {
                Some(patched) => patch.hub_username = patched,
                None => errors.push(not_text("person.hub_username")),
            },
            "email" => errors.push(unchangeable(
                "person.email",
                "it says who leaves: cancel this case and open one for the right person",
            )),
            other => errors.push(FieldError {
                field: "person",
                message: format!(
                    "{:?} is not a field a patch may change ({CHANGEABLE})",
                    short(other)
                ),
            }),
        }
    }
}

fn text(value: &Value) -> Option<Patch<String>> {
    match value {
        Value::Null => Some(Patch::Clear),
        Value::String(s) => Some(Patch::Set(s.clone())),
        _ => None,
    }
}

fn field_name(key: &str) -> &'static str {
    match key {
        "effective_at" => "effective_at",
        "manager_email" => "manager_email",
        "successor" => "successor",
        _ => "reason",
    }
}

fn not_text(field: &'static str) -> FieldError {
    FieldError {
        field,
        message: "must be a string, or null to clear it".into(),
    }
}

fn unchangeable(field: &'static str, why: &str) -> FieldError {
    FieldError {
        field,
        message: format!("cannot be changed: {why}"),
    }
}

/// A key as quoted back: at most 40 characters.
fn short(key: &str) -> String {
    key.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_set_nulls_clear_and_missing_fields_stay() {
        let (patch, errors) = ticket_patch(&json!({
            "effective_at": "2026-12-08T09:00:00Z",
            "successor": null,
            "person": {"name": "Bob B"}
        }));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            patch.effective_at,
            Patch::Set("2026-12-08T09:00:00Z".into())
        );
        assert_eq!(patch.successor, Patch::Clear);
        assert_eq!(patch.name, Patch::Set("Bob B".into()));
        assert_eq!(patch.manager_email, Patch::Keep);
        assert_eq!(patch.reason, Patch::Keep);
    }

    #[test]
    fn every_field_that_may_not_change_or_is_mistyped_is_named() {
        let (_, errors) = ticket_patch(&json!({
            "external_id": "HR-2",
            "manager_email": 7,
            "person": {"hub_username": 7, "name": ["x"]},
            "colour": "blue"
        }));
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "body",
                "external_id",
                "manager_email",
                "person.hub_username",
                "person.name"
            ]
        );
        assert!(
            errors[0].message.contains("\"colour\""),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_patch_is_an_object() {
        let (_, errors) = ticket_patch(&json!(["effective_at"]));
        assert_eq!(errors[0].field, "body");
    }
}
