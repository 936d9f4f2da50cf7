//! Accounts: operators who log in to the web UI, their sessions, and the API keys HR systems
//! call the REST API with. Secrets arrive here already hashed (argon2 for passwords, SHA-256 for
//! session ids and keys); this module never sees one in clear. Listing them and taking access
//! away is [`roster`].

pub mod roster;

use crate::cases::rows::{from_ms, ms};
use crate::{Actor, SqlStore, StoreError};
use async_trait::async_trait;
pub use roster::{API_KEY_REVOKED, ApiKeySummary, OPERATOR_REMOVED, OperatorSummary};
use sqlx::Row;
use time::OffsetDateTime;

/// An operator as the login check needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operator {
    pub id: String,
    /// Lower-cased.
    pub email: String,
    /// An argon2 PHC string.
    pub password_hash: String,
}

/// An API key's record (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub created_at: OffsetDateTime,
    /// Which door it opens.
    pub scope: KeyScope,
}

/// Which door a key opens (`api_key.scope`, migration 0015): never both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyScope {
    /// The REST API under `/api/v1`.
    #[default]
    Api,
    /// The SCIM service provider under `/scim/v2`.
    Scim,
}

impl KeyScope {
    /// As stored and as `--scope` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Api => "api",
            KeyScope::Scim => "scim",
        }
    }

    /// `api` or `scim`.
    pub fn parse(raw: &str) -> Option<KeyScope> {
        match raw.trim() {
            "api" => Some(KeyScope::Api),
            "scim" => Some(KeyScope::Scim),
            _ => None,
        }
    }
}

/// Operators, sessions and API keys.
#[async_trait]
pub trait AccountStore: Send + Sync + std::fmt::Debug {
    /// Creates the operator, or sets a new password for an existing one. Returns whether it
    /// created a new operator.
    async fn upsert_operator(
        &self,
        email: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// The operator with this email (compared lower-cased).
    async fn operator_by_email(&self, email: &str) -> Result<Option<Operator>, StoreError>;

    /// Stores a session (by the hash of its id) for the operator until `expires_at`, and sweeps
    /// expired sessions.
    async fn create_session(
        &self,
        session_hash: &str,
        operator_id: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The email of the operator whose unexpired session has this hash.
    async fn session_operator(
        &self,
        session_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<String>, StoreError>;

    /// Ends a session (logout). Unknown hashes are not an error.
    async fn delete_session(&self, session_hash: &str) -> Result<(), StoreError>;

    /// Stores a new API key by its hash. Returns `None` if a key with this name exists.
    async fn create_api_key(
        &self,
        name: &str,
        key_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<ApiKey>, StoreError> {
        self.create_scoped_api_key(name, key_hash, KeyScope::Api, now)
            .await
    }

    /// [`AccountStore::create_api_key`] for the door `scope`.
    async fn create_scoped_api_key(
        &self,
        name: &str,
        key_hash: &str,
        scope: KeyScope,
        now: OffsetDateTime,
    ) -> Result<Option<ApiKey>, StoreError>;

    /// The key with this hash, if any; notes when it was last used.
    async fn use_api_key(
        &self,
        key_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<ApiKey>, StoreError>;

    /// Every operator, by email, with no secret.
    async fn list_operators(&self) -> Result<Vec<OperatorSummary>, StoreError>;

    /// Removes the operator with this email (compared lower-cased) and ends their sessions, with
    /// an audit record by `actor`. `false` (nothing written) when there is none.
    async fn remove_operator(
        &self,
        email: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// Every API key, by name, with no secret.
    async fn list_api_keys(&self) -> Result<Vec<ApiKeySummary>, StoreError>;

    /// Deletes the API key named `name`, with an audit record by `actor`. `false` (nothing
    /// written) when there is none.
    async fn revoke_api_key(
        &self,
        name: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
}

/// A stored scope, or a corrupt-row error.
pub(crate) fn scope(raw: &str) -> Result<KeyScope, StoreError> {
    KeyScope::parse(raw)
        .ok_or_else(|| StoreError::Corrupt(format!("api_key.scope: unknown scope {raw:?}")))
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn upsert_operator(
        &self,
        email: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let email = email.trim().to_lowercase();
        let updated =
            sqlx::query("UPDATE operator SET password_hash = $1, updated_at = $2 WHERE email = $3")
                .bind(password_hash)
                .bind(ms(now))
                .bind(&email)
                .execute(self.pool())
                .await?;
        if updated.rows_affected() > 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO operator (operator_id, email, password_hash, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&email)
        .bind(password_hash)
        .bind(ms(now))
        .execute(self.pool())
        .await?;
        Ok(true)
    }

    async fn operator_by_email(&self, email: &str) -> Result<Option<Operator>, StoreError> {
        let row =
            sqlx::query("SELECT operator_id, email, password_hash FROM operator WHERE email = $1")
                .bind(email.trim().to_lowercase())
                .fetch_optional(self.pool())
                .await?;
        row.map(|row| {
            Ok(Operator {
                id: row.try_get("operator_id")?,
                email: row.try_get("email")?,
                password_hash: row.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    async fn create_session(
        &self,
        session_hash: &str,
        operator_id: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM operator_session WHERE expires_at <= $1")
            .bind(ms(now))
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO operator_session (session_hash, operator_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(session_hash)
        .bind(operator_id)
        .bind(ms(now))
        .bind(ms(expires_at))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn session_operator(
        &self,
        session_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT o.email AS email FROM operator_session s
             JOIN operator o ON o.operator_id = s.operator_id
             WHERE s.session_hash = $1 AND s.expires_at > $2",
        )
        .bind(session_hash)
        .bind(ms(now))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|row| row.try_get("email")).transpose()?)
    }

    async fn delete_session(&self, session_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM operator_session WHERE session_hash = $1")
            .bind(session_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn create_scoped_api_key(
        &self,
        name: &str,
        key_hash: &str,
        scope: KeyScope,
        now: OffsetDateTime,
    ) -> Result<Option<ApiKey>, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let inserted = sqlx::query(
            "INSERT INTO api_key (api_key_id, name, key_hash, created_at, scope)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING",
        )
        .bind(&id)
        .bind(name)
        .bind(key_hash)
        .bind(ms(now))
        .bind(scope.as_str())
        .execute(self.pool())
        .await?;
        Ok((inserted.rows_affected() == 1).then(|| ApiKey {
            id,
            name: name.to_owned(),
            created_at: now,
            scope,
        }))
    }

    async fn use_api_key(
        &self,
        key_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<ApiKey>, StoreError> {
        let row = sqlx::query(
            "SELECT api_key_id, name, created_at, last_used_at, scope FROM api_key
             WHERE key_hash = $1",
        )
        .bind(key_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let last_used: Option<i64> = row.try_get("last_used_at")?;
        // A write per request would contend with the engine for SQLite's one writer: note the
        // use at most once a minute.
        if last_used.is_none_or(|at| ms(now) - at > 60_000) {
            sqlx::query("UPDATE api_key SET last_used_at = $1 WHERE key_hash = $2")
                .bind(ms(now))
                .bind(key_hash)
                .execute(self.pool())
                .await?;
        }
        Ok(Some(ApiKey {
            id: row.try_get("api_key_id")?,
            name: row.try_get("name")?,
            created_at: from_ms(row.try_get("created_at")?)?,
            scope: scope(&row.try_get::<String, _>("scope")?)?,
        }))
    }

    async fn list_operators(&self) -> Result<Vec<OperatorSummary>, StoreError> {
        roster::operators(self).await
    }

    async fn remove_operator(
        &self,
        email: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        roster::remove_operator(self, email, actor, now).await
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKeySummary>, StoreError> {
        roster::api_keys(self).await
    }

    async fn revoke_api_key(
        &self,
        name: &str,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        roster::revoke_api_key(self, name, actor, now).await
    }
}
