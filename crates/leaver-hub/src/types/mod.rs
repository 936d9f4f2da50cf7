//! The Hub's wire types, with the Hub's own field names.
//!
//! Every struct ignores fields it does not know and treats missing or `null` optional fields
//! as absent, so a Hub that adds fields does not break us.

mod access_request;
mod audit;
mod org;
mod repo;
mod scim;
mod user;
mod whoami;

#[cfg(test)]
mod fuzz;

pub use access_request::{AccessRequest, AccessRequestUser, AccessStatus};
pub use audit::{AuditAuthor, AuditEvent, AuditLocation, AuditToken};
pub use org::{
    Member, MemberResourceGroup, OrgOverview, ResourceGroup, ResourceGroupRepo, ResourceGroupRole,
    ResourceGroupUser,
};
pub use repo::{Gating, OrgRepository, RepoInfo, RepoResourceGroup, RepoType};
pub use scim::{ScimBase, ScimEmail, ScimListResponse, ScimName, ScimUser};
pub use user::UserOverview;
pub use whoami::{AccessTokenInfo, AuthInfo, WhoAmI, WhoAmIOrg, WhoAmIResourceGroup};

use serde::{Deserialize, Deserializer};

/// Deserialize `null` (as well as a missing field, with `#[serde(default)]`) as the default.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
