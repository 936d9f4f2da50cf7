//! Accounts: operators who log in to the web UI, their sessions, and the API keys HR systems
//! call the REST API with. Passwords are hashed with argon2 here; session ids and API keys are
//! random and stored as their SHA-256 only.

mod password;
mod roster;
mod secret;

pub use password::{MIN_PASSWORD_LEN, hash_password, verify_password};
pub use secret::{random_token, same_secret, sha256_hex};

use crate::{Error, Leaver, Result};
use leaver_core::EmailAddress;
use leaver_store::AccountStore;
pub use leaver_store::KeyScope;
use std::time::Duration;

/// How long a login lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);

/// An operator added, or given a new password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorAdded {
    /// Their login, as stored.
    pub email: String,
    /// Whether they are new.
    pub created: bool,
}

/// An operator's login as stored, if `email` is an address and `password` long enough.
/// [`Leaver::add_operator`] checks the same; a door may check first, before it opens anything.
pub fn check_operator(email: &str, password: &str) -> Result<String> {
    let email =
        EmailAddress::parse(email.trim()).map_err(|e| Error::invalid("email", e.to_string()))?;
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Error::invalid(
            "password",
            format!("must have at least {MIN_PASSWORD_LEN} characters; nothing was written"),
        ));
    }
    // Logins are compared lower-cased, and stored so.
    Ok(email.to_string().to_lowercase())
}

/// An API key's name, trimmed, if it is 1 to 64 letters, digits, `-`, `_` or `.`.
/// [`Leaver::create_api_key`] checks the same.
pub fn check_api_key_name(name: &str) -> Result<&str> {
    let name = name.trim();
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    if name.is_empty() || name.len() > 64 || !name.chars().all(allowed) {
        return Err(Error::invalid(
            "name",
            "must be 1 to 64 letters, digits, '-', '_' or '.'",
        ));
    }
    Ok(name)
}

impl Leaver {
    /// Adds an operator, or sets a new password for an existing one. A bad email or a short
    /// password ([`check_operator`]) writes nothing.
    pub async fn add_operator(&self, email: &str, password: &str) -> Result<OperatorAdded> {
        let email = check_operator(email, password)?;
        let password = password.to_owned();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(anyhow::Error::from)??;
        let created = self
            .store
            .upsert_operator(&email, &hash, self.now())
            .await?;
        Ok(OperatorAdded { email, created })
    }

    /// The operator's id when `password` is theirs. The answer takes as long for an unknown
    /// email, so it does not tell who exists.
    pub async fn log_in(&self, email: &str, password: &str) -> Result<Option<String>> {
        let operator = self.store.operator_by_email(email).await?;
        let stored = operator.as_ref().map(|o| o.password_hash.clone());
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, stored.as_deref()))
            .await
            .map_err(anyhow::Error::from)?;
        Ok(operator.filter(|_| ok).map(|o| o.id))
    }

    /// Starts a session for `operator_id`, valid for [`SESSION_TTL`]; returns its secret id.
    pub async fn start_session(&self, operator_id: &str) -> Result<String> {
        let id = random_token("");
        let now = self.now();
        self.store
            .create_session(&sha256_hex(&id), operator_id, now, now + SESSION_TTL)
            .await?;
        Ok(id)
    }

    /// The email of the operator whose unexpired session id hashes to `session_hash`.
    pub async fn session_operator(&self, session_hash: &str) -> Result<Option<String>> {
        Ok(self
            .store
            .session_operator(session_hash, self.now())
            .await?)
    }

    /// Ends the session whose id hashes to `session_hash`.
    pub async fn end_session(&self, session_hash: &str) -> Result<()> {
        Ok(self.store.delete_session(session_hash).await?)
    }

    /// Creates an API key named `name` (what the audit trail calls the caller: `api:<name>`);
    /// returns the key, which is shown once: only its hash is kept.
    pub async fn create_api_key(&self, name: &str) -> Result<String> {
        self.create_scoped_api_key(name, KeyScope::Api).await
    }

    /// Creates a key named `name` that opens the door `scope` only (`scim` keys open `/scim/v2`
    /// and are audited as `scim:<name>`); returns the key, shown once: only its hash is kept.
    pub async fn create_scoped_api_key(&self, name: &str, scope: KeyScope) -> Result<String> {
        let name = check_api_key_name(name)?;
        let key = random_token("lvr_");
        let created = self
            .store
            .create_scoped_api_key(name, &sha256_hex(&key), scope, self.now())
            .await?;
        match created {
            Some(_) => Ok(key),
            None => Err(Error::Conflict(format!(
                "an API key named {name:?} already exists; choose another name"
            ))),
        }
    }

    /// The name of the API key `key`, if it is one of scope `api` (and notes that it was used).
    /// A `scim` key does not open the REST API.
    pub async fn api_client(&self, key: &str) -> Result<Option<String>> {
        let found = self.store.use_api_key(&sha256_hex(key), self.now()).await?;
        Ok(found.filter(|k| k.scope == KeyScope::Api).map(|k| k.name))
    }
}
