//! Property tests over every Hub response parser: the wire types of this module, error bodies
//! (`error_body`), pagination links (`pagination`) and rate-limit headers (`rate_limit`).
//! Arbitrary bytes, arbitrary JSON values and JSON objects built from the Hub's own field names
//! must decode to a value or to an error, never panic; what decodes must be usable (its helper
//! methods run, it serializes back).

use proptest::prelude::*;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LINK};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::*;
use crate::error_body::{error_from_response, message_from_json};
use crate::pagination::{next_page, parse_next};
use crate::rate_limit::{RateLimitInfo, parse_policy, parse_rate_limit};

/// Field names the Hub's answers use, so generated objects reach nested decoders, not just the
/// first "missing field" error.
const KEYS: &[&str] = &[
    "_id",
    "id",
    "name",
    "user",
    "username",
    "fullname",
    "email",
    "type",
    "role",
    "roleInOrg",
    "roleInRepo",
    "status",
    "gated",
    "private",
    "resourceGroups",
    "resourceGroup",
    "users",
    "repos",
    "orgs",
    "auth",
    "accessToken",
    "fineGrained",
    "scoped",
    "permissions",
    "entity",
    "plan",
    "numUsers",
    "Resources",
    "totalResults",
    "itemsPerPage",
    "startIndex",
    "userName",
    "emails",
    "value",
    "primary",
    "active",
    "error",
    "errors",
    "message",
    "error_description",
    "requestId",
    "timestamp",
    "fields",
    "author",
    "token",
    "location",
    "data",
    "createdAt",
    "visibility",
    "storage",
    "storagePercent",
    "isPro",
    "twoFaEnabled",
    "canPay",
    "periodEnd",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(
            &[
                "auto", "manual", "false", "", "admin", "read", "accepted", "model"
            ][..]
        )
        .prop_map(|s| Value::String(s.to_owned())),
    ]
}

/// Arbitrary JSON, with object keys drawn mostly from the Hub's field names.
fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 8, |inner| {
        let key = prop_oneof![
            4 => prop::sample::select(KEYS).prop_map(str::to_owned),
            1 => ".{0,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key, inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Decodes `bytes` and `value` as `T`; what decodes must serialize again.
fn decodes_or_errs<T: DeserializeOwned + Serialize>(bytes: &[u8], value: &Value) {
    for decoded in [
        serde_json::from_slice::<T>(bytes).ok(),
        serde_json::from_value::<T>(value.clone()).ok(),
    ]
    .into_iter()
    .flatten()
    {
        serde_json::to_vec(&decoded).expect("a decoded value serializes");
    }
}

/// Every wire type, and the helpers that read decoded values.
fn every_type(bytes: &[u8], value: &Value) {
    decodes_or_errs::<AccessRequest>(bytes, value);
    decodes_or_errs::<Vec<AccessRequest>>(bytes, value);
    decodes_or_errs::<AuditEvent>(bytes, value);
    decodes_or_errs::<Vec<AuditEvent>>(bytes, value);
    decodes_or_errs::<OrgOverview>(bytes, value);
    decodes_or_errs::<Vec<Member>>(bytes, value);
    decodes_or_errs::<Vec<ResourceGroup>>(bytes, value);
    decodes_or_errs::<RepoInfo>(bytes, value);
    decodes_or_errs::<Vec<RepoInfo>>(bytes, value);
    decodes_or_errs::<Vec<OrgRepository>>(bytes, value);
    decodes_or_errs::<ScimListResponse<ScimUser>>(bytes, value);
    decodes_or_errs::<ScimUser>(bytes, value);
    decodes_or_errs::<UserOverview>(bytes, value);
    decodes_or_errs::<WhoAmI>(bytes, value);
    decodes_or_errs::<Gating>(bytes, value);
    if let Ok(request) = serde_json::from_value::<AccessRequest>(value.clone()) {
        let _ = request.username();
    }
    if let Ok(member) = serde_json::from_value::<Member>(value.clone()) {
        let _ = member.resource_group_roles();
    }
    if let Ok(repo) = serde_json::from_value::<OrgRepository>(value.clone()) {
        let _ = repo.repo_type();
    }
    if let Ok(gating) = serde_json::from_value::<Gating>(value.clone()) {
        let _ = gating.is_gated();
    }
}

fn header_map(pairs: &[(String, Vec<u8>)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value),
        ) {
            map.append(n, v);
        }
    }
    map
}

fn header_pairs() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop_oneof![
        prop::sample::select(
            &[
                "x-error-message",
                "x-error-code",
                "x-request-id",
                "x-amzn-trace-id",
                "content-type",
                "link",
                "ratelimit",
                "ratelimit-policy",
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z-]{1,12}",
    ];
    let value = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40),
        "(text/plain|application/json|\"api\";r=[0-9]{1,25};t=[0-9e.+-]{1,8}|q=[0-9]{1,5};w=[0-9e.]{1,6}| |<[ -~]{0,20}>; rel=\"?next\"?)"
            .prop_map(String::into_bytes),
    ];
    prop::collection::vec((name, value), 0..6)
}

proptest! {
    // 512 cases: each decodes 15 types twice; the whole test runs in well under a second.
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_a_wire_type(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        every_type(&bytes, &Value::Null);
    }

    #[test]
    fn arbitrary_json_never_panics_a_wire_type(value in json_value()) {
        let bytes = serde_json::to_vec(&value).expect("json serializes");
        every_type(&bytes, &value);
        // Wrapped as the list answers and SCIM pages are.
        every_type(&bytes, &Value::Array(vec![value.clone()]));
        let scim = serde_json::json!({"totalResults": 1, "Resources": [value]});
        decodes_or_errs::<ScimListResponse<ScimUser>>(&[], &scim);
    }
}

proptest! {
    // 512 cases of an error response: any status, headers and body give a HubError whose text
    // reads, and a message (when any) that is neither empty nor too long to quote.
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_error_response_yields_a_readable_hub_error(
        status in 400u16..600,
        pairs in header_pairs(),
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            json_value().prop_map(|v| serde_json::to_vec(&v).expect("json")),
        ],
    ) {
        let status = StatusCode::from_u16(status).expect("a status in range");
        let headers = header_map(&pairs);
        let err = error_from_response(status, &headers, &body);
        prop_assert!(!err.to_string().is_empty());
        if let Some(message) = err.message() {
            prop_assert!(!message.trim().is_empty());
        }
    }

    #[test]
    fn any_json_body_yields_a_message_or_none(value in json_value()) {
        if let Some(message) = message_from_json(&value) {
            prop_assert!(!message.trim().is_empty());
        }
    }
}

proptest! {
    // 1024 cases of header text: the pagination and rate-limit parsers never panic; a next page
    // is only ever on the Hub's origin.
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn any_link_header_gives_a_page_on_the_hub_or_an_error(
        text in prop_oneof![
            ".{0,80}",
            "(<[ -~]{0,30}>;? ?(rel=\"?(next|prev|last next)\"?)?,? ?){1,3}",
        ],
    ) {
        let _ = parse_next(&text);
        let hub = Url::parse("http://127.0.0.1:8080/").expect("url");
        let current = hub.join("/api/models?author=acme").expect("url");
        if let Ok(value) = HeaderValue::from_str(&text) {
            let mut headers = HeaderMap::new();
            headers.insert(LINK, value);
            if let Ok(Some(next)) = next_page(&headers, &current, &hub) {
                prop_assert_eq!(next.origin(), hub.origin());
            }
        }
    }

    #[test]
    fn any_rate_limit_header_parses_or_is_ignored(
        text in prop_oneof![
            ".{0,60}",
            "(\"[a-z]{0,4}\";)?(r=-?[0-9]{1,25};)?(t=[-+]?[0-9]{0,20}(\\.[0-9]{0,3})?(e[-+]?[0-9]{1,3})?)?(, ?)?",
            "(\"[a-z ]{0,12}\";)*q=[0-9]{1,25}(;w=[-+]?[0-9]{0,20}(e[-+]?[0-9]{1,3})?)?",
        ],
    ) {
        let _ = parse_rate_limit(&text);
        let _ = parse_policy(&text);
        if let Ok(value) = HeaderValue::from_str(&text) {
            let mut headers = HeaderMap::new();
            headers.insert("ratelimit", value.clone());
            headers.insert("ratelimit-policy", value);
            let _ = RateLimitInfo::from_headers(&headers);
        }
    }
}
