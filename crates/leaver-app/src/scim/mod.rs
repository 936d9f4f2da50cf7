//! Leaver as a SCIM 2.0 service provider (issue 15): the identity provider pushes its users
//! (kept as the roster, `leaver_store::scim_users`), and deprovisioning one (`active` false by
//! PATCH or PUT, or DELETE) opens an offboarding case through the same opening path as every
//! other door. The wire rules are `leaver_scim`'s; this module adds the store, the case and the
//! Hub. Every action is audited as `scim:<key name>`.

mod deprovision;
mod resolve;
mod users;

pub use deprovision::{REACTIVATED_REASON, external_id_of};
pub use leaver_scim as wire;
pub use users::ScimEndpoint;

use crate::accounts::sha256_hex;
use crate::{Error, Leaver, Result};
use leaver_scim::ScimError;
use leaver_store::{AccountStore, Actor, Channel, InboundCall, InboundCalls, KeyScope};

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

/// How many of each key's last calls the settings page shows.
pub const CALLS_SHOWN: u32 = 10;

/// A `scim` key with its last calls, for the settings page (never the key).
#[derive(Clone, Debug)]
pub struct ScimKeyView {
    pub key: leaver_store::ApiKeySummary,
    pub calls: Vec<InboundCall>,
}

impl Leaver {
    /// Notes a call to `/scim/v2` by `caller` (method, path, status, a short outcome; never a
    /// body or a header). A failure to note it is logged, not answered.
    pub async fn note_scim_call(
        &self,
        caller: &ScimCaller,
        method: &str,
        path: &str,
        status: u16,
        outcome: &str,
    ) {
        let call = InboundCall {
            channel: Channel::Scim,
            name: caller.key_name.clone(),
            at: self.now(),
            method: method.to_owned(),
            path: path.to_owned(),
            status,
            outcome: outcome.to_owned(),
        };
        if let Err(error) = self.store.record_inbound_call(&call).await {
            tracing::warn!(%error, "could not note a SCIM call");
        }
    }

    /// The `scim` keys, by name, each with its last [`CALLS_SHOWN`] calls.
    pub async fn scim_keys(&self) -> Result<Vec<ScimKeyView>> {
        let keys = self.store.list_api_keys().await?;
        let mut views = Vec::new();
        for key in keys.into_iter().filter(|k| k.scope == KeyScope::Scim) {
            let calls = self
                .store
                .recent_inbound_calls(Channel::Scim, &key.name, CALLS_SHOWN)
                .await?;
            views.push(ScimKeyView { key, calls });
        }
        Ok(views)
    }
}
