//! Leaver as a SCIM 2.0 service provider (issue 15): the identity provider pushes its users
//! (kept as the roster, `leaver_store::scim_users`), and deprovisioning one (`active` false by
//! PATCH or PUT, or DELETE) opens an offboarding case through the same opening path as every
//! other door. The wire rules are `leaver_scim`'s; this module adds the store, the case and the
//! Hub. Every action is audited as `scim:<key name>`.

mod deprovision;
mod resolve;
mod users;

pub use deprovision::{REACTIVATED_REASON, external_id_of};
pub use users::ScimEndpoint;

use crate::accounts::sha256_hex;
use crate::{Error, Leaver, Result};
use leaver_scim::ScimError;
use leaver_store::{AccountStore, Actor, KeyScope};

/// The audit kinds of the roster's changes.
pub const SCIM_USER_CREATED: &str = "scim_user_created";
/// See [`SCIM_USER_CREATED`].
pub const SCIM_USER_UPDATED: &str = "scim_user_updated";
/// See [`SCIM_USER_CREATED`].
pub const SCIM_USER_DELETED: &str = "scim_user_deleted";

/// Who called: the name of the `scim` key they sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimCaller {
    pub key_name: String,
}

impl ScimCaller {
    /// As the audit trail names them.
    pub fn actor(&self) -> Actor {
        Actor::scim(&self.key_name)
    }
}

/// An application error as a SCIM answer: invalid fields are 400 `invalidValue` naming the
/// first field, conflicts 409, the rest 500/503 without details (logged).
pub(crate) fn scim_error(error: Error) -> ScimError {
    match error {
        Error::Invalid(fields) => {
            let detail = fields
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            let first = fields.first().map(|f| f.field).unwrap_or("body");
            ScimError::invalid_value(first, detail.trim_start_matches(&format!("{first}: ")))
        }
        Error::NotFound(detail) => ScimError::status(404, detail),
        Error::Conflict(detail) => ScimError::status(409, detail),
        Error::Unavailable(detail) => ScimError::status(503, detail),
        Error::Internal(error) => {
            tracing::error!(error = format!("{error:#}"), "SCIM request failed");
            ScimError::status(500, "internal error; see the server log")
        }
    }
}

impl Leaver {
    /// The name of the `scim` key `key`, if it is one (and notes that it was used). Keys of
    /// scope `api` are not SCIM keys.
    pub async fn scim_client(&self, key: &str) -> Result<Option<ScimCaller>> {
        let found = self.store.use_api_key(&sha256_hex(key), self.now()).await?;
        Ok(found
            .filter(|k| k.scope == KeyScope::Scim)
            .map(|k| ScimCaller { key_name: k.name }))
    }
}
