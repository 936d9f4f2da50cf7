//! The SCIM users an identity provider pushes, as a second source of the roster.
//!
//! Until the SCIM service provider (issue 15, `scim_user`) lands, there are none; the rule for
//! then is in the README: a SCIM user is `active` or `terminated` by its `active` attribute,
//! matched by Leaver's `hubUsername` extension, and `terminated` in either source wins.

use crate::{Leaver, Result};
use leaver_core::roster::RosterEntry;

impl Leaver {
    /// The SCIM users as roster entries.
    pub(crate) async fn scim_roster(&self) -> Result<Vec<RosterEntry>> {
        Ok(Vec::new())
    }
}
