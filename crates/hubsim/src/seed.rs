//! The seed: the whole simulated Hub as one JSON document.
//!
//! The same shape is read at start-up (`hubsim --seed FILE`), accepted by `POST /_sim/reset`
//! and returned by `GET /_sim/state`. Every field has a default so that small seeds work.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The whole state of the simulated Hub.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Seed {
    /// Hub accounts.
    pub users: Vec<UserSeed>,
    /// Access tokens; each maps a bearer value to a user.
    pub tokens: Vec<TokenSeed>,
    /// Organizations with their members, resource groups and invitations.
    pub orgs: Vec<OrgSeed>,
    /// Models, datasets and spaces, with their gated-access requests.
    pub repos: Vec<RepoSeed>,
    /// The `api` rate-limit bucket; absent means effectively unlimited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitSeed>,
}

/// A Hub account.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct UserSeed {
    /// The username (`user` in most Hub payloads).
    pub username: String,
    /// Display name.
    pub fullname: String,
    /// Primary email, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the account has a PRO subscription.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_pro: bool,
}

/// The classic role of an access token.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TokenRole {
    /// Read-only: every write answers 403.
    Read,
    /// Read and write, limited by the owner's org roles.
    #[default]
    Write,
}

/// A bearer token belonging to a user.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TokenSeed {
    /// Owner's username.
    pub user: String,
    /// The raw `hf_...` value.
    pub value: String,
    /// `read` or `write` (default).
    pub role: TokenRole,
    /// Name shown in `whoami-v2` (`auth.accessToken.displayName`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

impl std::fmt::Debug for TokenSeed {
    // Never print token values, not even in debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSeed")
            .field("user", &self.user)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// An organization's subscription plan.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    /// No subscription: member writes answer 402.
    #[default]
    Free,
    /// Team plan.
    Team,
    /// Enterprise plan.
    Enterprise,
    /// Enterprise Plus.
    Plus,
}

impl Plan {
    /// Team, Enterprise and Enterprise Plus are paid plans.
    pub fn is_paid(self) -> bool {
        self != Plan::Free
    }

    /// Enterprise-only features (org token revocation).
    pub fn is_enterprise(self) -> bool {
        matches!(self, Plan::Enterprise | Plan::Plus)
    }
}

/// Which SCIM base an org exposes.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ScimMode {
    /// No SCIM: both bases answer 404.
    #[default]
    None,
    /// Basic SSO: `/scim-provisioning/v2`.
    Basic,
    /// Managed SSO: `/scim/v2`.
    Managed,
}

/// An organization. Its `Debug` leaves out the SCIM token and revoked token values.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct OrgSeed {
    /// The org's handle.
    pub name: String,
    /// Display name; defaults to the handle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fullname: Option<String>,
    /// Subscription plan.
    pub plan: Plan,
    /// SCIM model.
    pub scim: ScimMode,
    /// Bearer token accepted by this org's SCIM endpoints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scim_token: Option<String>,
    /// Members with their org role and resource groups.
    pub members: Vec<MemberSeed>,
    /// Resource groups (Team/Enterprise).
    pub resource_groups: Vec<ResourceGroupSeed>,
    /// Pending invitations.
    pub invitations: Vec<InvitationSeed>,
    /// Custom role names defined in the org (valid in the member-role endpoint).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_roles: Vec<String>,
    /// Email domains the member `email` filter matches; empty means any domain.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email_domains: Vec<String>,
    /// Users SCIM has provisioned (kept when deactivated), with their `externalId`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scim_users: Vec<ScimUserSeed>,
    /// SCIM groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scim_groups: Vec<ScimGroupSeed>,
    /// Token values an admin revoked for this org (they answer 403 here).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub revoked_tokens: Vec<String>,
}

impl std::fmt::Debug for OrgSeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgSeed")
            .field("name", &self.name)
            .field("plan", &self.plan)
            .field("scim", &self.scim)
            .field("members", &self.members)
            .field("resource_groups", &self.resource_groups)
            .field("invitations", &self.invitations)
            .finish_non_exhaustive()
    }
}

/// One membership.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct MemberSeed {
    /// Username.
    pub user: String,
    /// `admin | write | contributor | read | no_access` or a custom role name.
    pub role: String,
    /// Resource groups the member belongs to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_groups: Vec<RgMembershipSeed>,
}

/// A member's place in one resource group.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RgMembershipSeed {
    /// Resource group name.
    pub name: String,
    /// `read | contributor | write | admin`.
    pub role: String,
}

/// A resource group.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ResourceGroupSeed {
    /// Name, unique in the org.
    pub name: String,
    /// Optional description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A pending invitation.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct InvitationSeed {
    /// Invited username.
    pub user: String,
    /// Role granted on acceptance.
    pub role: String,
}

/// A user that SCIM provisioned into an org.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ScimUserSeed {
    /// Username.
    pub user: String,
    /// The IdP's id for the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// A SCIM group.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ScimGroupSeed {
    /// 24-hex id; derived from the org and display name when empty.
    pub id: String,
    /// Unique name in the org.
    pub display_name: String,
    /// The IdP's id for the group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Member usernames.
    pub members: Vec<String>,
}

/// The `api` bucket's fixed window.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RateLimitSeed {
    /// Requests allowed per window and caller.
    pub quota: u64,
    /// Window length in seconds.
    pub window_s: u64,
}

impl Default for RateLimitSeed {
    /// Effectively unlimited.
    fn default() -> Self {
        RateLimitSeed {
            quota: 1_000_000_000,
            window_s: 300,
        }
    }
}

pub use crate::repo_seed::{AccessRequestSeed, Gated, RepoSeed, RepoType, RequestStatus};

/// Why a seed file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The file could not be read.
    #[error("cannot read seed file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid seed.
    #[error("invalid seed file {path}: at `{at}`: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where in the document the error is (serde path, `.` for the root).
        at: String,
        /// The serde error.
        source: serde_json::Error,
    },
}

impl Seed {
    /// Reads and parses a seed file, naming the file and the failing JSON path on error.
    pub fn from_file(path: &Path) -> Result<Seed, SeedError> {
        let text = std::fs::read_to_string(path).map_err(|source| SeedError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Seed::from_json(&text).map_err(|(at, source)| SeedError::Parse {
            path: path.to_path_buf(),
            at,
            source,
        })
    }

    /// Parses a seed; on error returns the serde path of the failing field and the error.
    pub fn from_json(text: &str) -> Result<Seed, (String, serde_json::Error)> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| (e.path().to_string(), e.into_inner()))
    }
}
