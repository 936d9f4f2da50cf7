//! Who may use Leaver, as the settings page and `leaver user|apikey list` show it (names and
//! times, never a secret), and taking that access away: removing an operator ends their sessions
//! in the same transaction, revoking a key deletes it; each is an audit record naming who did it.

use crate::audit;
use crate::cases::rows::from_ms;
use crate::{Actor, SqlStore, StoreError};
use serde_json::json;
use sqlx::Row;
use time::OffsetDateTime;

/// An operator, without their password hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorSummary {
    /// Lower-cased.
    pub email: String,
    pub created_at: OffsetDateTime,
    /// When their newest session still on record began (sessions are swept once expired).
    pub last_login_at: Option<OffsetDateTime>,
}

/// An API key, without its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKeySummary {
    pub name: String,
    pub created_at: OffsetDateTime,
    /// Noted at most once a minute.
    pub last_used_at: Option<OffsetDateTime>,
    /// Which door it opens.
    pub scope: super::KeyScope,
}

/// The audit kind of an operator's removal.
pub const OPERATOR_REMOVED: &str = "operator_removed";
/// The audit kind of an API key's revocation.
pub const API_KEY_REVOKED: &str = "api_key_revoked";

fn time_or_none(ms: Option<i64>) -> Result<Option<OffsetDateTime>, StoreError> {
    ms.map(from_ms).transpose()
}

pub(crate) async fn operators(store: &SqlStore) -> Result<Vec<OperatorSummary>, StoreError> {
    let rows = sqlx::query(
        "SELECT o.email AS email, o.created_at AS created_at, MAX(s.created_at) AS last_login
         FROM operator o LEFT JOIN operator_session s ON s.operator_id = o.operator_id
         GROUP BY o.operator_id, o.email, o.created_at ORDER BY o.email",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OperatorSummary {
                email: row.try_get("email")?,
                created_at: from_ms(row.try_get("created_at")?)?,
                last_login_at: time_or_none(row.try_get("last_login")?)?,
            })
        })
        .collect()
}

pub(crate) async fn api_keys(store: &SqlStore) -> Result<Vec<ApiKeySummary>, StoreError> {
    let rows =
        sqlx::query("SELECT name, created_at, last_used_at, scope FROM api_key ORDER BY name")
            .fetch_all(store.pool())
            .await?;
    rows.iter()
        .map(|row| {
            Ok(ApiKeySummary {
                name: row.try_get("name")?,
                created_at: from_ms(row.try_get("created_at")?)?,
                last_used_at: time_or_none(row.try_get("last_used_at")?)?,
                scope: super::scope(&row.try_get::<String, _>("scope")?)?,
            })
        })
        .collect()
}

/// Removes the operator and every session of theirs, and audits it, in one transaction.
/// `false` (nothing written) when there is no such operator.
pub(crate) async fn remove_operator(
    store: &SqlStore,
    email: &str,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let email = email.trim().to_lowercase();
    let mut tx = audit::begin_write(store.writer()).await?;
    let ended = sqlx::query(
        "DELETE FROM operator_session WHERE operator_id IN
         (SELECT operator_id FROM operator WHERE email = $1)",
    )
    .bind(&email)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let removed = sqlx::query("DELETE FROM operator WHERE email = $1")
        .bind(&email)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Ok(false);
    }
    let data = json!({ "email": email, "sessions_ended": ended });
    audit::append(&mut tx, None, actor.as_str(), OPERATOR_REMOVED, data, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Deletes the API key named `name`, and audits it, in one transaction. `false` (nothing
/// written) when there is no such key.
pub(crate) async fn revoke_api_key(
    store: &SqlStore,
    name: &str,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let mut tx = audit::begin_write(store.writer()).await?;
    let revoked = sqlx::query("DELETE FROM api_key WHERE name = $1")
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if revoked == 0 {
        return Ok(false);
    }
    let data = json!({ "name": name });
    audit::append(&mut tx, None, actor.as_str(), API_KEY_REVOKED, data, now).await?;
    tx.commit().await?;
    Ok(true)
}
