//! Normalizing what IdPs send into a User.

use super::*;
use crate::ScimType;
use serde_json::json;

#[test]
fn entra_strings_and_bare_managers_are_cleaned() {
    let mut resource = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "client-made-up",
        "userName": "bob@acme.test",
        "active": "False",
        "emails": [{"value": "bob@acme.test", "type": "work", "primary": "true"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": "carol-id"},
        "urn:ietf:params:scim:schemas:extension:leaver:2.0:User:hubUsername": "bob"
    });
    let view = normalize(&mut resource).expect("valid");
    assert!(!view.active);
    assert_eq!(view.manager.as_deref(), Some("carol-id"));
    assert_eq!(view.hub_username.as_deref(), Some("bob"));
    assert_eq!(view.email(), Some("bob@acme.test"));
    assert!(resource.get("id").is_none());
    assert_eq!(resource["active"], false);
    assert_eq!(
        resource["schemas"],
        json!([USER, ENTERPRISE_USER, LEAVER_USER])
    );
}

#[test]
fn a_bad_user_names_the_attribute() {
    for (body, attribute) in [
        (json!({"active": true}), "userName"),
        (json!({"userName": "b", "active": "nope"}), "active"),
        (json!({"userName": "b", "emails": "b@x"}), "emails"),
        (
            json!({"userName": "b", "emails": [{"type": "work"}]}),
            "emails.value",
        ),
        (json!({"userName": 7}), "userName"),
        (json!({"userName": "b".repeat(257)}), "userName"),
        (
            json!({"userName": "b", "urn:ietf:params:scim:schemas:extension:leaver:2.0:User:hubUsername": "h".repeat(97)}),
            "hubUsername",
        ),
        (
            json!({"userName": "b", "urn:ietf:params:scim:schemas:extension:leaver:2.0:User": 3}),
            LEAVER_USER,
        ),
    ] {
        let err = normalize(&mut body.clone()).expect_err("bad");
        assert_eq!(err.status, 400);
        assert!(
            err.detail.starts_with(attribute),
            "{} should name {attribute}",
            err.detail
        );
    }
    let err = normalize(&mut json!([1])).expect_err("bad");
    assert_eq!(err.scim_type, Some(ScimType::InvalidSyntax));
}

#[test]
fn the_answer_carries_id_and_meta() {
    let meta = Meta {
        id: "u1".into(),
        created: "2026-12-01T00:00:00Z".into(),
        last_modified: "2026-12-01T00:00:00Z".into(),
        version: 3,
        location: "http://x/scim/v2/Users/u1".into(),
    };
    let out = answered(&json!({"userName": "b"}), &meta);
    assert_eq!(out["id"], "u1");
    assert_eq!(out["meta"]["version"], "W/\"3\"");
    assert_eq!(out["meta"]["resourceType"], "User");
}
