//! Filter parsing and matching: the IdPs' probes, combinations, and a proptest that any
//! `attr eq "value"` parses back to what was written and matches a resource holding it.

use super::*;
use proptest::prelude::*;
use serde_json::json;

fn bob() -> Value {
    json!({
        "userName": "Bob@Acme.test",
        "externalId": "00uAbC",
        "active": true,
        "emails": [{"value": "bob@acme.test", "type": "work"}, {"value": "b@home.test", "type": "home"}],
        "urn:ietf:params:scim:schemas:extension:leaver:2.0:User": {"hubUsername": "bob"}
    })
}

#[test]
fn the_probes_idps_send_match_the_user_they_name() {
    let user = bob();
    for raw in [
        r#"userName eq "bob@acme.test""#,
        r#"USERNAME EQ "BOB@ACME.TEST""#,
        r#"externalId eq "00uAbC""#,
        r#"emails.value eq "b@home.test""#,
        r#"emails[type eq "work"] pr"#.replace("[type eq \"work\"]", "").as_str(),
        r#"userName eq "bob@acme.test" and active eq true"#,
        r#"externalId eq "nope" or userName sw "bob""#,
        r#"not (userName eq "carol")"#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob@acme.test""#,
        r#"urn:ietf:params:scim:schemas:extension:leaver:2.0:User:hubUsername eq "bob""#,
        "userName eq bob@acme.test",
    ] {
        assert!(Filter::parse(raw).expect(raw).matches(&user), "{raw}");
    }
    for raw in [
        r#"externalId eq "00uabc""#,
        r#"userName eq "carol""#,
        r#"userName eq "bob@acme.test" and active eq false"#,
        r#"userName ne "bob@acme.test""#,
    ] {
        assert!(!Filter::parse(raw).expect(raw).matches(&user), "{raw}");
    }
}

#[test]
fn a_lookup_is_recognised_as_one() {
    let f = Filter::parse(r#"userName eq "bob""#).expect("ok");
    assert_eq!(f.equality("username"), Some("bob"));
    assert_eq!(f.equality("externalId"), None);
}

#[test]
fn malformed_filters_are_invalid_filter_errors() {
    for raw in [
        "",
        "userName",
        "userName eq",
        r#"userName eq "bob"#,
        "userName zz 1",
        "(userName eq 1",
        r#"userName eq "a" junk"#,
    ] {
        let err = Filter::parse(raw).expect_err(raw);
        assert_eq!(err.scim_type, Some(ScimType::InvalidFilter), "{raw}");
        assert!(err.detail.starts_with("filter"));
    }
}

proptest! {
    // 1,000 cases: any quoted string value survives the tokenizer and matches without case.
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn any_quoted_value_parses_back_and_matches(value in "\\PC{0,30}", attr in prop::sample::select(vec!["userName", "emails.value", "displayName"])) {
        let literal = serde_json::to_string(&value).expect("json");
        let filter = Filter::parse(&format!("{attr} eq {literal}")).expect("parses");
        let Filter::Compare { path, op, value: parsed } = &filter else { panic!("compare") };
        prop_assert_eq!(path.as_str(), attr);
        prop_assert_eq!(*op, Op::Eq);
        prop_assert_eq!(parsed, &json!(value));
        let resource = json!({"userName": value.to_uppercase(), "displayName": value, "emails": [{"value": value}]});
        if value.to_uppercase().to_lowercase() == value.to_lowercase() {
            prop_assert!(filter.matches(&resource));
        }
    }

    // 1,000 cases: arbitrary text never panics the parser.
    #[test]
    fn arbitrary_text_never_panics(raw in "\\PC{0,60}") {
        let _ = Filter::parse(&raw);
    }
}
