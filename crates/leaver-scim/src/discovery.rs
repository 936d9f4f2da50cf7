//! The discovery documents (RFC 7644 §4, RFC 7643 §5-7): ServiceProviderConfig, ResourceTypes
//! and Schemas, for the User resource with its two extensions. `base` is the service's base URL
//! (`https://leaver.example/scim/v2`), used in `meta.location`.

use crate::schemas::{
    ENTERPRISE_USER, LEAVER_USER, RESOURCE_TYPE, SCHEMA, SERVICE_PROVIDER_CONFIG, USER,
};
use serde_json::{Value, json};

/// What this service supports: PATCH and filters yes; bulk, sorting, password changes and
/// ETags no.
pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": [SERVICE_PROVIDER_CONFIG],
        "documentationUri": "https://github.com/leaver/leaver#scim",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": crate::list::MAX_COUNT},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "A key made with `leaver apikey create --name N --scope scim`",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig"),
        },
    })
}

/// The User resource type.
pub fn user_resource_type(base: &str) -> Value {
    json!({
        "schemas": [RESOURCE_TYPE],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A person the identity provider provisions; deprovisioning opens an offboarding case",
        "schema": USER,
        "schemaExtensions": [
            {"schema": ENTERPRISE_USER, "required": false},
            {"schema": LEAVER_USER, "required": false},
        ],
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")},
    })
}

fn attr(name: &str, kind: &str, description: &str) -> Value {
    json!({
        "name": name,
        "type": kind,
        "multiValued": false,
        "description": description,
        "required": false,
        "caseExact": false,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
    })
}

fn complex(name: &str, multi: bool, description: &str, subs: Vec<Value>) -> Value {
    let mut a = attr(name, "complex", description);
    a["multiValued"] = json!(multi);
    a["subAttributes"] = Value::Array(subs);
    a
}

fn schema(id: &str, name: &str, description: &str, attributes: Vec<Value>, base: &str) -> Value {
    json!({
        "schemas": [SCHEMA],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attributes,
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{id}")},
    })
}

/// Every schema this service knows, by id.
pub fn schemas(base: &str) -> Vec<Value> {
    let mut user_name = attr(
        "userName",
        "string",
        "Unique identifier for the User, as the IdP knows them",
    );
    user_name["required"] = json!(true);
    user_name["uniqueness"] = json!("server");
    let mut email_type = attr("type", "string", "work, home or other");
    email_type["canonicalValues"] = json!(["work", "home", "other"]);
    let user = schema(
        USER,
        "User",
        "User Account",
        vec![
            user_name,
            complex(
                "name",
                false,
                "The components of the user's name",
                vec![
                    attr("formatted", "string", "The full name"),
                    attr("familyName", "string", "The family name"),
                    attr("givenName", "string", "The given name"),
                ],
            ),
            attr("displayName", "string", "The name to display"),
            attr(
                "active",
                "boolean",
                "false when the identity provider deprovisions the user",
            ),
            complex(
                "emails",
                true,
                "Email addresses for the user",
                vec![
                    attr("value", "string", "An email address"),
                    email_type,
                    attr("primary", "boolean", "The primary address"),
                ],
            ),
        ],
        base,
    );
    let mut manager_value = attr("value", "string", "The manager's SCIM id (or their email)");
    manager_value["caseExact"] = json!(true);
    let mut manager_ref = attr("$ref", "reference", "The manager's User resource");
    manager_ref["referenceTypes"] = json!(["User"]);
    let mut manager_name = attr("displayName", "string", "The manager's name");
    manager_name["mutability"] = json!("readOnly");
    let enterprise = schema(
        ENTERPRISE_USER,
        "EnterpriseUser",
        "Enterprise User",
        vec![
            attr(
                "employeeNumber",
                "string",
                "Numeric or alphanumeric identifier",
            ),
            attr("department", "string", "A department"),
            complex(
                "manager",
                false,
                "The user's manager",
                vec![manager_value, manager_ref, manager_name],
            ),
        ],
        base,
    );
    let leaver = schema(
        LEAVER_USER,
        "LeaverUser",
        "What Leaver needs to offboard the user from Hugging Face",
        vec![
            attr("hubUsername", "string", "The user's Hugging Face username"),
            attr(
                "successor",
                "string",
                "The Hugging Face username of who takes over their admin roles",
            ),
        ],
        base,
    );
    vec![user, enterprise, leaver]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_type_names_both_extensions_and_each_has_a_schema() {
        let base = "http://x/scim/v2";
        let rt = user_resource_type(base);
        let ids: Vec<String> = schemas(base)
            .iter()
            .map(|s| s["id"].as_str().unwrap_or("").to_owned())
            .collect();
        for ext in rt["schemaExtensions"].as_array().expect("list") {
            assert!(
                ids.iter()
                    .any(|id| Some(id.as_str()) == ext["schema"].as_str())
            );
        }
        assert_eq!(service_provider_config(base)["patch"]["supported"], true);
    }
}
