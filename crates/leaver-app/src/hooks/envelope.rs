//! The body of a signed webhook: `{"id": "evt_…", "type": "terminated", "data": {…}}`. `id` is
//! the sender's event id (each is accepted once per source), `type` one of [`EventType`],
//! `data` what the event carries (a ticket, a merge patch, a ticket id); the door reads `data`
//! as the REST API reads the same thing.

use super::HookError;
use leaver_core::FieldError;
use serde_json::Value;
use std::fmt;

/// How long an event id may be, in characters.
pub const MAX_EVENT_ID: usize = 200;

/// What happened, as HR says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// Someone leaves: `data` is the ticket of `POST /api/v1/cases`.
    Terminated,
    /// Their termination changed: `data` is `external_id` and a merge patch of the ticket, as
    /// `PATCH /api/v1/cases/{id}` takes it.
    TerminationChanged,
    /// They stay after all: `data` is `{"external_id": …}`.
    Rehired,
}

impl EventType {
    pub const ALL: [EventType; 3] = [
        EventType::Terminated,
        EventType::TerminationChanged,
        EventType::Rehired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Terminated => "terminated",
            EventType::TerminationChanged => "termination_changed",
            EventType::Rehired => "rehired",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A webhook body, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    pub id: String,
    pub kind: EventType,
    /// A JSON object.
    pub data: Value,
}

/// Reads `body`: not a JSON object is [`HookError::BadRequest`]; a bad `id`, `type` or `data`
/// is named ([`HookError::Invalid`]), all at once.
pub fn parse(body: &[u8]) -> Result<Envelope, HookError> {
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| HookError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    let Value::Object(mut fields) = json else {
        return Err(HookError::BadRequest(
            "the body must be a JSON object: {\"id\", \"type\", \"data\"}".into(),
        ));
    };
    let mut errors = Vec::new();
    let id = match fields.get("id") {
        Some(Value::String(id))
            if !id.trim().is_empty()
                && id.chars().count() <= MAX_EVENT_ID
                && !id.chars().any(char::is_control) =>
        {
            Some(id.clone())
        }
        _ => {
            errors.push(field(
                "id",
                format!("must be the event's id: text of 1 to {MAX_EVENT_ID} characters"),
            ));
            None
        }
    };
    let kind = match fields.get("type") {
        Some(Value::String(t)) => EventType::ALL.into_iter().find(|k| k.as_str() == t),
        _ => None,
    };
    if kind.is_none() {
        errors.push(field(
            "type",
            "must be terminated, termination_changed or rehired".into(),
        ));
    }
    let data = match fields.remove("data") {
        Some(data @ Value::Object(_)) => Some(data),
        _ => {
            errors.push(field("data", "must be a JSON object".into()));
            None
        }
    };
    match (id, kind, data) {
        (Some(id), Some(kind), Some(data)) if errors.is_empty() => Ok(Envelope { id, kind, data }),
        _ => Err(HookError::Invalid(errors)),
    }
}

fn field(name: &'static str, message: String) -> FieldError {
    FieldError {
        field: name,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(body: &str) -> Vec<&'static str> {
        match parse(body.as_bytes()) {
            Err(HookError::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_good_envelope_reads() {
        let e = parse(br#"{"id":"evt_1","type":"rehired","data":{"external_id":"HR-1"}}"#)
            .expect("envelope");
        assert_eq!((e.id.as_str(), e.kind), ("evt_1", EventType::Rehired));
        assert_eq!(e.data["external_id"], "HR-1");
    }

    #[test]
    fn bad_fields_are_named_all_at_once() {
        assert!(matches!(parse(b"[1]"), Err(HookError::BadRequest(_))));
        assert!(matches!(parse(b"{"), Err(HookError::BadRequest(_))));
        assert_eq!(named("{}"), ["id", "type", "data"]);
        assert_eq!(named(r#"{"id":"e","type":"fired","data":{}}"#), ["type"]);
        assert_eq!(
            named(r#"{"id":" ","type":"rehired","data":[]}"#),
            ["id", "data"]
        );
    }
}
