//! The SCIM users an identity provider pushes (issue 15, `scim_user`), as a second source of
//! the roster beside the imported CSV. The rule:
//! - a SCIM user is `active` or `terminated` by its `active` attribute;
//! - it is matched to a Hub account by Leaver's `hubUsername` extension, else by its `userName`
//!   when that is a valid Hub username (IdPs often send an email there, which matches nobody);
//! - its email is the SCIM email (else the `userName` when it is an address), its manager the
//!   enterprise manager reference when that is an address;
//! - a user with neither an email nor a usable name is left out;
//! - when the CSV and SCIM both name a person, `terminated` in either wins (see
//!   `leaver_core::roster::reconcile`).

use crate::{Leaver, Result};
use leaver_core::roster::{RosterEntry, RosterSource, RosterStatus};
use leaver_core::{EmailAddress, HubUsername};
use leaver_store::scim_users::{ScimUser, ScimUserStore};

/// One SCIM user as a roster entry, or `None` when it names nobody Leaver can match.
pub fn entry_of(user: &ScimUser) -> Option<RosterEntry> {
    let hub_username = user
        .hub_username
        .as_deref()
        .and_then(|u| HubUsername::parse(u).ok())
        .or_else(|| HubUsername::parse(&user.user_name).ok());
    let email = user
        .email
        .as_deref()
        .and_then(|e| EmailAddress::parse(e).ok())
        .or_else(|| EmailAddress::parse(&user.user_name).ok())?;
    Some(RosterEntry {
        email,
        hub_username,
        status: if user.active {
            RosterStatus::Active
        } else {
            RosterStatus::Terminated
        },
        end_date: None,
        manager_email: user
            .manager_ref
            .as_deref()
            .and_then(|m| EmailAddress::parse(m).ok()),
        source: RosterSource::Scim,
    })
}

impl Leaver {
    /// The SCIM users as roster entries.
    pub(crate) async fn scim_roster(&self) -> Result<Vec<RosterEntry>> {
        let users = self.store.list_scim_users().await?;
        Ok(users.iter().filter_map(entry_of).collect())
    }
}
