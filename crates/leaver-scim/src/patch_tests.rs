//! PATCH as Entra and Okta send it, and a proptest that replacing `active` by any spelling of
//! a boolean gives that boolean.

use super::*;
use crate::user::{UserView, normalize};
use proptest::prelude::*;

fn bob() -> Value {
    json!({
        "userName": "bob@acme.test",
        "active": true,
        "emails": [{"value": "bob@acme.test", "type": "work", "primary": true}]
    })
}

fn patched(ops: Value) -> Result<Value, ScimError> {
    let mut user = bob();
    PatchOp::parse(&ops)?.apply(&mut user)?;
    normalize(&mut user)?;
    Ok(user)
}

#[test]
fn entra_capitalized_replace_with_a_string_false_deactivates() {
    let user = patched(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": "False"}]
    }))
    .expect("ok");
    assert_eq!(user["active"], false);
}

#[test]
fn okta_replace_without_a_path_deactivates() {
    let user = patched(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": false}}]
    }))
    .expect("ok");
    assert_eq!(user["active"], false);
}

#[test]
fn filtered_qualified_and_dotted_paths_land_where_they_name() {
    let user = patched(json!({"Operations": [
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "robert@acme.test"},
        {"op": "Add", "path": "emails[type eq \"home\"].value", "value": "bob@home.test"},
        {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "carol-id"},
        {"op": "add", "value": {"name.givenName": "Robert", "urn:ietf:params:scim:schemas:extension:leaver:2.0:User:hubUsername": "bobby"}},
        {"op": "replace", "value": {"urn:ietf:params:scim:schemas:extension:leaver:2.0:User": {"successor": "carol"}}},
        {"op": "remove", "path": "emails[type eq \"home\"]"}
    ]}))
    .expect("ok");
    assert_eq!(
        user["emails"],
        json!([{"value": "robert@acme.test", "type": "work", "primary": true}])
    );
    assert_eq!(
        user[crate::schemas::ENTERPRISE_USER]["manager"],
        json!({"value": "carol-id"})
    );
    assert_eq!(user["name"]["givenName"], "Robert");
    assert_eq!(
        user[crate::schemas::LEAVER_USER],
        json!({"hubUsername": "bobby", "successor": "carol"})
    );
}

#[test]
fn a_bare_extension_urn_names_its_whole_object_and_active_can_be_unassigned() {
    let ext = crate::schemas::LEAVER_USER;
    let user = patched(json!({"Operations": [
        {"op": "add", "path": ext, "value": {"hubUsername": "bob"}},
        {"op": "replace", "path": ext, "value": {"successor": "carol"}},
        {"op": "remove", "path": "active"}
    ]}))
    .expect("ok");
    assert_eq!(user[ext], json!({"successor": "carol"}));
    assert!(user.get("active").is_none(), "removed, not defaulted");
    assert!(
        UserView::read(&user).expect("view").active,
        "unassigned reads as active"
    );
    let user = patched(json!({"Operations": [{"op": "remove", "path": ext}]})).expect("ok");
    assert!(user.get(ext).is_none());
}

#[test]
fn bad_operations_name_what_is_wrong() {
    for (ops, attribute) in [
        (json!({}), "Operations"),
        (json!({"Operations": []}), "Operations"),
        (
            json!({"Operations": [{"op": "frobnicate", "path": "active"}]}),
            "op",
        ),
        (json!({"Operations": [{"op": "remove"}]}), "path"),
        (
            json!({"Operations": [{"op": "replace", "path": "active"}]}),
            "value",
        ),
        (
            json!({"Operations": [{"op": "replace", "value": "x"}]}),
            "value",
        ),
        (
            json!({"Operations": [{"op": "replace", "path": "a b", "value": 1}]}),
            "path",
        ),
        (
            json!({"Operations": [{"op": "replace", "path": "active", "value": "maybe"}]}),
            "active",
        ),
        (
            json!({"Operations": [{"op": "remove", "path": "userName"}]}),
            "userName",
        ),
    ] {
        let err = patched(ops).expect_err("bad");
        assert_eq!(err.status, 400);
        assert!(
            err.detail.starts_with(attribute),
            "{} should name {attribute}",
            err.detail
        );
    }
}

proptest! {
    // 1,000 cases: any casing of the op and of a boolean word, with or without a path.
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn any_spelling_of_replace_active_sets_the_boolean(
        op_caps in prop::collection::vec(any::<bool>(), 7),
        word_caps in prop::collection::vec(any::<bool>(), 5),
        active in any::<bool>(),
        as_string in any::<bool>(),
        with_path in any::<bool>(),
    ) {
        let spell = |word: &str, caps: &[bool]| -> String {
            word.chars().zip(caps.iter().cycle()).map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c }).collect()
        };
        let op = spell("replace", &op_caps);
        let value = if as_string { json!(spell(&active.to_string(), &word_caps)) } else { json!(active) };
        let operation = if with_path {
            json!({"op": op, "path": "active", "value": value})
        } else {
            json!({"op": op, "value": {"active": value}})
        };
        let user = patched(json!({"Operations": [operation]})).expect("applies");
        prop_assert_eq!(&user["active"], &json!(active));
    }
}

proptest! {
    // 500 cases: arbitrary operation lists never panic; they apply or give a 400.
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn arbitrary_operations_never_panic(op in "\\PC{0,8}", path in "\\PC{0,30}", value in "\\PC{0,10}") {
        match patched(json!({"Operations": [{"op": op, "path": path, "value": value}]})) {
            Ok(_) => {}
            Err(e) => prop_assert_eq!(e.status, 400),
        }
    }
}
