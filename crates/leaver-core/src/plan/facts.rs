//! What the planner needs to know about an org, in domain terms (not the Hub's wire types).

use crate::RepoType;
use crate::username::{Account, same_account};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The org's subscription, from the org overview's `plan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HubPlan {
    Free,
    Team,
    Enterprise,
    Plus,
    Academia,
}

impl HubPlan {
    /// Reads the overview's `plan` field; absent or unknown means the free plan.
    pub fn from_hub(plan: Option<&str>) -> HubPlan {
        match plan {
            Some("team") => HubPlan::Team,
            Some("enterprise") => HubPlan::Enterprise,
            Some("plus") => HubPlan::Plus,
            Some("academia") => HubPlan::Academia,
            _ => HubPlan::Free,
        }
    }

    /// Whether the member-management API is open (it answers 402 on the free plan).
    pub fn manages_members_by_api(self) -> bool {
        self != HubPlan::Free
    }
}

/// Which SCIM base the org exposes, found by probing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScimMode {
    None,
    /// Basic SSO: `scim-provisioning/v2`, users are memberships and invitations.
    Basic,
    /// Managed SSO: `scim/v2`, users are org-owned accounts.
    Managed,
}

/// A gated-repo access grant's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessStatus {
    Pending,
    Accepted,
    Rejected,
}

impl AccessStatus {
    /// Whether a request in this status is access to take away, when requests are set to
    /// `revoke_to`: accepted always, pending unless pending is where they are set.
    pub fn is_held(self, revoke_to: AccessStatus) -> bool {
        match self {
            AccessStatus::Accepted => true,
            AccessStatus::Pending => revoke_to != AccessStatus::Pending,
            AccessStatus::Rejected => false,
        }
    }
}

/// One member of the org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFacts {
    /// `admin`, `write`, `contributor`, `read`, `no_access` or a custom role name.
    pub role: String,
    pub resource_groups: Vec<String>,
}

/// One of the org's gated repos and who holds access to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatedRepo {
    pub repo_type: RepoType,
    pub id: String,
    /// Username → status, for pending and accepted requests.
    pub holders: BTreeMap<Account, AccessStatus>,
}

/// What Leaver's own token may do in the org (from `whoami-v2`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenFacts {
    /// The token owner's username.
    pub user: String,
    /// The owner's role in the org, if a member.
    pub role_in_org: Option<String>,
    /// Whether the token may write at all (not a read token).
    pub can_write: bool,
}

impl TokenFacts {
    /// Whether the token may manage members and gated access in the org.
    pub fn is_admin(&self) -> bool {
        self.can_write && self.role_in_org.as_deref() == Some("admin")
    }

    /// Whether the token may handle gated-repo access requests (write on the org's repos).
    pub fn can_write_repos(&self) -> bool {
        self.can_write && matches!(self.role_in_org.as_deref(), Some("admin" | "write"))
    }
}

/// Everything the planner knows about one org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgFacts {
    pub name: String,
    pub plan: HubPlan,
    pub scim: ScimMode,
    pub token: TokenFacts,
    /// Username → membership.
    pub members: BTreeMap<Account, MemberFacts>,
    pub gated_repos: Vec<GatedRepo>,
    /// Usernames with a pending invitation, when the Hub lets us see them (Basic-SSO SCIM only).
    pub invitations: Option<Vec<String>>,
}

impl OrgFacts {
    /// Whether the org shows a pending invitation for `user` (only Basic-SSO SCIM shows any).
    pub fn has_invitation_for(&self, user: &str) -> bool {
        self.invitations
            .as_ref()
            .is_some_and(|invited| invited.iter().any(|u| same_account(u, user)))
    }

    /// Admins who are people: not the leaver, not Leaver's own account, not a listed service account.
    pub fn human_admins_besides<'a>(
        &'a self,
        leaver: &'a str,
        service_accounts: &'a [String],
    ) -> Vec<&'a str> {
        self.members
            .iter()
            .filter(|(user, m)| {
                m.role == "admin"
                    && is_person_staying(user, leaver, &self.token.user, service_accounts)
            })
            .map(|(user, _)| user.as_str())
            .collect()
    }
}

/// Whether `user` counts as a person who stays: not the leaver, not Leaver's own account, not a
/// service account. The planner and the engine's last-admin guard both ask this.
pub fn is_person_staying(
    user: &str,
    leaver: &str,
    token_user: &str,
    service_accounts: &[String],
) -> bool {
    !same_account(user, leaver)
        && !same_account(user, token_user)
        && !service_accounts.iter().any(|s| same_account(s, user))
}
