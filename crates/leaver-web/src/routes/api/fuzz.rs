//! Property tests over how `POST /api/v1/cases` reads its body (`create::parse_input`, then the
//! ticket rules of `Ticket::parse`): arbitrary bytes and arbitrary JSON never panic; a body that
//! is not a JSON object is a 400, a field of the wrong type or value a 422 naming the field by
//! its JSON path (`person.email`). The same handler over HTTP, with nothing written for a bad
//! body, is `tests/api/api_fuzz.rs`.

use super::create::parse_input;
use super::dto::json_path;
use crate::AppError;
use leaver_core::Ticket;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Every path a 422 may name.
const PATHS: [&str; 9] = [
    "external_id",
    "person",
    "person.email",
    "person.name",
    "person.hub_username",
    "manager_email",
    "successor",
    "effective_at",
    "reason",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[a-z]{1,8}@acme\\.test".prop_map(Value::String),
        "HR-[0-9]{1,4}".prop_map(Value::String),
        "[a-z][a-z0-9-]{0,8}".prop_map(Value::String),
        "2026-12-0[1-9]T1[0-9]:00:00(Z|\\+02:00)|[0-9-]{0,12}".prop_map(Value::String),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A ticket body with each field present or not, of any JSON type.
fn ticket_body() -> impl Strategy<Value = Value> {
    let field = || prop::option::weighted(0.8, prop_oneof![3 => leaf(), 1 => any_json()]);
    let person = prop_oneof![
        3 => (field(), field(), field()).prop_map(|(email, name, user)| {
            let mut p = Map::new();
            for (k, v) in [("email", email), ("name", name), ("hub_username", user)] {
                if let Some(v) = v {
                    p.insert(k.into(), v);
                }
            }
            Value::Object(p)
        }),
        1 => any_json(),
    ];
    (
        prop::option::weighted(0.9, person),
        prop::collection::vec(field(), 6),
    )
        .prop_map(|(person, fields)| {
            let mut body = Map::new();
            if let Some(p) = person {
                body.insert("person".into(), p);
            }
            let names = [
                "external_id",
                "manager_email",
                "successor",
                "effective_at",
                "reason",
                "unknown",
            ];
            for (name, value) in names.into_iter().zip(fields) {
                if let Some(v) = value {
                    body.insert(name.into(), v);
                }
            }
            Value::Object(body)
        })
}

/// Reads `body` as the handler does, then the ticket rules; checks the outcome's shape.
fn check(body: &[u8]) -> Result<(), TestCaseError> {
    let object = serde_json::from_slice::<Value>(body).is_ok_and(|v| v.is_object());
    match parse_input(body) {
        Err(AppError::BadRequest(message)) => {
            prop_assert!(!object, "an object is never a 400");
            prop_assert!(!message.is_empty());
        }
        Err(AppError::Validation(fields)) => {
            prop_assert!(object && !fields.is_empty());
            for f in fields {
                prop_assert!(PATHS.contains(&f.field), "unknown field {}", f.field);
            }
        }
        Err(other) => prop_assert!(false, "unexpected {other:?}"),
        Ok(input) => {
            prop_assert!(object);
            if let Err(fields) = Ticket::parse(&input) {
                prop_assert!(!fields.is_empty());
                for f in fields {
                    let path = json_path(f.field);
                    prop_assert!(PATHS.contains(&path), "unknown field {path}");
                }
            }
        }
    }
    Ok(())
}

proptest! {
    // 1,000 cases each of arbitrary bytes, arbitrary JSON and ticket-shaped bodies: parsing
    // takes microseconds.
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn arbitrary_bytes_are_a_400_or_a_ticket(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check(&bytes)?;
    }

    #[test]
    fn arbitrary_json_is_a_400_a_422_naming_a_field_or_a_ticket(value in any_json()) {
        check(&serde_json::to_vec(&value).expect("json"))?;
    }

    #[test]
    fn ticket_shaped_bodies_name_each_bad_field_by_its_path(body in ticket_body()) {
        check(&serde_json::to_vec(&body).expect("json"))?;
    }
}

#[test]
fn a_field_of_the_wrong_type_is_named_by_its_path() {
    let body =
        json!({"external_id": 7, "person": {"email": ["x"]}, "manager_email": "m@acme.test"});
    let Err(AppError::Validation(fields)) = parse_input(body.to_string().as_bytes()) else {
        panic!("a 422");
    };
    let named: Vec<&str> = fields.iter().map(|f| f.field).collect();
    assert_eq!(named, ["external_id", "person.email"]);
}

/// The paths a PATCH's 422 may name.
const PATCH_PATHS: [&str; 9] = [
    "body",
    "external_id",
    "person",
    "person.email",
    "person.name",
    "person.hub_username",
    "manager_email",
    "successor",
    "effective_at",
];

/// A merge patch with each changeable field (and a few that are not) present or not.
fn patch_body() -> impl Strategy<Value = Value> {
    let field = || prop::option::weighted(0.6, prop_oneof![3 => leaf(), 1 => any_json()]);
    (
        field(),
        field(),
        field(),
        field(),
        field(),
        field(),
        any_json(),
    )
        .prop_map(
            |(at, manager, successor, reason, person, external_id, anything)| {
                let mut body = Map::new();
                for (k, v) in [
                    ("effective_at", at),
                    ("manager_email", manager),
                    ("successor", successor),
                    ("reason", reason),
                    ("person", person.map(|name| json!({ "name": name }))),
                    ("external_id", external_id),
                ] {
                    if let Some(v) = v {
                        body.insert(k.into(), v);
                    }
                }
                if let Value::Object(extra) = anything {
                    body.extend(extra);
                }
                Value::Object(body)
            },
        )
}

proptest! {
    // 2,000 generated patches and 500 arbitrary JSON values: the PATCH body never panics, and
    // every fault it finds is named by a path HR can read.
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn a_patch_body_never_panics_and_names_only_known_fields(body in patch_body()) {
        let case = patched_case();
        let (patch, mut errors) = super::merge_patch::ticket_patch(&body);
        if let Err(more) = patch.check(&case) {
            errors.extend(more);
        }
        for error in &errors {
            prop_assert!(
                PATCH_PATHS.contains(&error.field) || error.field == "reason",
                "{} is not a known path", error.field
            );
            prop_assert!(!error.message.is_empty());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn any_json_as_a_patch_is_read_or_refused_without_panicking(body in any_json()) {
        let (_, errors) = super::merge_patch::ticket_patch(&body);
        prop_assert!(body.is_object() || errors.iter().any(|e| e.field == "body"));
    }
}

/// The case the patches are checked against.
fn patched_case() -> leaver_core::Case {
    let ticket = Ticket::parse(&leaver_core::TicketInput {
        external_id: Some("HR-1".into()),
        email: Some("bob@acme.test".into()),
        hub_username: Some("bob".into()),
        manager_email: Some("erin@acme.test".into()),
        ..leaver_core::TicketInput::default()
    })
    .expect("ticket");
    leaver_core::Case::open(
        leaver_core::CaseId::random(),
        &ticket,
        time::OffsetDateTime::UNIX_EPOCH,
    )
}
