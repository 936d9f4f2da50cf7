//! The schema URNs (RFC 7643 §8.7, RFC 7644 §3) and Leaver's own user extension.

/// The core User schema.
pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The enterprise user extension (`manager`, `employeeNumber`, ...).
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// Leaver's user extension: `hubUsername` and `successor`, mappable from any IdP attribute.
pub const LEAVER_USER: &str = "urn:ietf:params:scim:schemas:extension:leaver:2.0:User";
/// A list answer.
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// An error answer.
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
/// A PATCH request.
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// The service provider configuration.
pub const SERVICE_PROVIDER_CONFIG: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
/// A resource type.
pub const RESOURCE_TYPE: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
/// A schema definition.
pub const SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// The extensions a User may carry, each an object under its URN.
pub const USER_EXTENSIONS: [&str; 2] = [ENTERPRISE_USER, LEAVER_USER];

/// The extension URN `name` starts with (compared without case), and the rest after its `:`.
/// `urn:...:enterprise:2.0:User:manager` is (enterprise, `manager`); a bare URN is (it, "").
pub fn split_extension(name: &str) -> Option<(&'static str, &str)> {
    USER_EXTENSIONS.into_iter().chain([USER]).find_map(|urn| {
        let head = name.get(..urn.len())?;
        if !head.eq_ignore_ascii_case(urn) {
            return None;
        }
        let rest = &name[urn.len()..];
        if rest.is_empty() {
            Some((urn, ""))
        } else {
            rest.strip_prefix(':').map(|attr| (urn, attr))
        }
    })
}
