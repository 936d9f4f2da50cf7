//! Property tests over the ticket every door parses ([`Ticket::parse`] and the JSON a
//! [`TicketInput`] is read from): arbitrary text in each field, and arbitrary JSON, never panic;
//! a refusal names only fields of the ticket, at least one; a ticket that parses reads back the
//! same from its own [`Ticket::to_input`].

use leaver_core::{Ticket, TicketInput};
use proptest::prelude::*;
use serde_json::Value;

/// The field names a refusal may name: the CSV columns, as `FieldError::field` spells them.
const FIELDS: [&str; 8] = [
    "external_id",
    "email",
    "name",
    "hub_username",
    "manager_email",
    "successor",
    "effective_at",
    "reason",
];

/// Text near the rules' edges as well as arbitrary text: valid-looking values, control and
/// bidi characters, long strings, dates out of range, offsets.
fn field() -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(
        0.85,
        prop_oneof![
            any::<String>(),
            "[ -~]{0,40}",
            "[a-z][a-z0-9-]{0,10}(@[a-z]{1,8}(\\.[a-z]{2,3})?)?",
            "HR-[0-9]{1,6}",
            "[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2}))?",
            "[a-z \u{202e}\u{0}\n\t\u{feff}é]{0,20}",
            "x{490,520}",
        ],
    )
}

fn ticket_input() -> impl Strategy<Value = TicketInput> {
    (
        field(),
        field(),
        field(),
        field(),
        field(),
        field(),
        field(),
        field(),
    )
        .prop_map(
            |(
                external_id,
                email,
                name,
                hub_username,
                manager_email,
                successor,
                effective_at,
                reason,
            )| {
                TicketInput {
                    external_id,
                    email,
                    name,
                    hub_username,
                    manager_email,
                    successor,
                    effective_at,
                    reason,
                }
            },
        )
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 8, |inner| {
        let key = prop_oneof![
            3 => prop::sample::select(&FIELDS[..]).prop_map(str::to_owned),
            1 => ".{0,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..10)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn check(input: &TicketInput) -> Result<(), TestCaseError> {
    match Ticket::parse(input) {
        Ok(ticket) => {
            let again = Ticket::parse(&ticket.to_input());
            prop_assert_eq!(
                again.as_ref(),
                Ok(&ticket),
                "the ticket reads back the same"
            );
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty(), "a refusal names at least one field");
            for e in &errors {
                prop_assert!(FIELDS.contains(&e.field), "unknown field {:?}", e.field);
                prop_assert!(!e.message.trim().is_empty(), "{} has no message", e.field);
            }
        }
    }
    Ok(())
}

proptest! {
    // 2,000 tickets of arbitrary and edge-case text: parsing takes microseconds each.
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn any_ticket_parses_or_names_its_bad_fields(input in ticket_input()) {
        check(&input)?;
    }
}

proptest! {
    // 1,000 arbitrary JSON values (objects keyed mostly by the ticket's own fields) and 1,000
    // arbitrary byte strings read as a TicketInput: an error or a ticket checked as above.
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn any_json_reads_as_a_ticket_input_or_fails_cleanly(value in json_value()) {
        if let Ok(input) = serde_json::from_value::<TicketInput>(value) {
            check(&input)?;
        }
    }

    #[test]
    fn any_bytes_read_as_a_ticket_input_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(input) = serde_json::from_slice::<TicketInput>(&bytes) {
            check(&input)?;
        }
    }
}
