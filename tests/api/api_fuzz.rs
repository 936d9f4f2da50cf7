//! A property test over `POST /api/v1/cases` against the real server: a few hundred generated
//! bodies, each a ticket with at least one field made bad (a wrong type, a malformed value, a
//! `person` that is not an object) among otherwise arbitrary fields, or bytes that are not a
//! JSON object. Each is a 400 or a 422 whose `fields` name a bad field by its JSON path, never a
//! 5xx, and no case is ever written. (The parser alone, on many more inputs, is
//! `leaver-web`'s `routes::api::fuzz`.)

use crate::support::{TestApp, apps, ticket};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A field made bad: its JSON path and a value `Ticket::parse` (or the body reader) refuses.
fn spoiled() -> impl Strategy<Value = (&'static str, Value)> {
    prop_oneof![
        Just(("external_id", json!(7))),
        Just(("external_id", json!(""))),
        Just(("person", json!("bob"))),
        Just(("person.email", json!("not-an-email"))),
        Just(("person.email", json!(["bob@acme.test"]))),
        Just(("person.hub_username", json!("-bad-"))),
        Just(("person.name", json!("Bob\u{202e}"))),
        Just(("manager_email", json!("nobody"))),
        Just(("manager_email", json!({"a": 1}))),
        Just(("successor", json!("-x"))),
        Just(("effective_at", json!("tomorrow"))),
        Just(("effective_at", json!(true))),
        Just(("reason", json!("a\u{0}b"))),
        Just(("reason", json!("x".repeat(501)))),
    ]
}

fn junk() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[a-z]{1,6}@acme\\.test".prop_map(Value::String),
    ]
}

#[derive(Clone, Debug)]
enum Body {
    /// A valid ticket with `spoiled` set and other fields overwritten by `junk`.
    Ticket {
        spoiled: (&'static str, Value),
        junk: Vec<(&'static str, Value)>,
    },
    Bytes(Vec<u8>),
}

fn body() -> impl Strategy<Value = Body> {
    let paths = prop::sample::select(vec![
        "external_id",
        "person.email",
        "person.hub_username",
        "manager_email",
        "successor",
        "effective_at",
        "reason",
    ]);
    prop_oneof![
        4 => (spoiled(), prop::collection::vec((paths, junk()), 0..3))
            .prop_map(|(spoiled, junk)| Body::Ticket { spoiled, junk }),
        1 => prop::collection::vec(any::<u8>(), 0..100)
            .prop_filter("not a JSON object", |b| {
                !serde_json::from_slice::<Value>(b).is_ok_and(|v| v.is_object())
            })
            .prop_map(Body::Bytes),
    ]
}

fn set(ticket: &mut Value, path: &str, value: Value) {
    match path.split_once('.') {
        Some((outer, inner)) => {
            if let Some(object) = ticket[outer].as_object_mut() {
                object.insert(inner.into(), value);
            }
        }
        None => ticket[path] = value,
    }
}

/// The request body, and the JSON paths a 422 may name (none for a 400): the spoiled field,
/// and any junk field that is not text (the body reader names wrong types before the ticket's
/// rules see the values).
fn render(body: &Body, n: u64) -> (Vec<u8>, Option<Vec<&'static str>>) {
    match body {
        Body::Bytes(bytes) => (bytes.clone(), None),
        Body::Ticket { spoiled, junk } => {
            let mut ticket = ticket(&format!("HR-{n}"), "bob");
            let mut named = vec![spoiled.0];
            for (path, value) in junk {
                // Junk never lands on the spoiled field (nor on `person` once it is a string).
                if !spoiled.0.starts_with(path) && !path.starts_with(spoiled.0) {
                    set(&mut ticket, path, value.clone());
                    if !value.is_string() && !value.is_null() {
                        named.push(path);
                    }
                }
            }
            set(&mut ticket, spoiled.0, spoiled.1.clone());
            (ticket.to_string().into_bytes(), Some(named))
        }
    }
}

async fn post(app: &TestApp, bytes: Vec<u8>) -> (StatusCode, String) {
    let response = app
        .http
        .post(format!("{}/api/v1/cases", app.url))
        .bearer_auth(&app.key)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(bytes)
        .send()
        .await
        .expect("POST");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

#[test]
fn no_bad_ticket_body_opens_a_case_or_fails_the_server() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (_dir, apps) = runtime.block_on(apps());
    for app in &apps {
        // 300 posts per database, each one HTTP round trip.
        let mut runner = TestRunner::new(Config {
            failure_persistence: None,
            ..Config::with_cases(300)
        });
        let n = std::sync::atomic::AtomicU64::new(0);
        let outcome = runner.run(&body(), |body| {
            let id = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let (bytes, named) = render(&body, id);
            let (status, reply) = runtime.block_on(post(app, bytes));
            match named {
                None => prop_assert_eq!(status, StatusCode::BAD_REQUEST, "{}", reply),
                Some(named) => {
                    prop_assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply);
                    let reply: Value = serde_json::from_str(&reply).expect("a JSON error");
                    let fields: Vec<&str> = reply["fields"]
                        .as_array()
                        .expect("fields")
                        .iter()
                        .filter_map(|f| f["field"].as_str())
                        .collect();
                    prop_assert!(
                        fields.iter().any(|f| named.contains(f)),
                        "none of {named:?} in {fields:?}"
                    );
                }
            }
            Ok(())
        });
        if let Err(failure) = outcome {
            panic!("{failure}");
        }
        let list = runtime.block_on(app.api("GET", "/api/v1/cases", None));
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(
            list.json().as_array().map(Vec::len),
            Some(0),
            "{}",
            list.body
        );
    }
}
