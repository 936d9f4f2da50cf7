//! The roster an identity provider pushes through SCIM (`scim_user`, migration 0015): one row
//! per User, the resource as JSON plus the columns Leaver reads and filters on. Each write goes
//! in one transaction with its audit record. Roster reconciliation reads
//! [`ScimUserStore::list_scim_users`].

use crate::audit;
use crate::cases::rows::{from_ms, ms};
use crate::{Actor, SqlStore, StoreError};
use async_trait::async_trait;
use leaver_core::CaseId;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

/// One SCIM User as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ScimUser {
    /// The id Leaver gave it (UUID text), as the IdP addresses it (`/Users/{id}`).
    pub scim_id: String,
    /// The IdP's own id for the user, if it sent one.
    pub external_id: Option<String>,
    pub user_name: String,
    /// The person's address (primary, else work, else first), lower-cased.
    pub email: Option<String>,
    pub active: bool,
    /// Leaver's extension.
    pub hub_username: Option<String>,
    /// Leaver's extension.
    pub successor: Option<String>,
    /// The enterprise extension's `manager.value`: a SCIM id, or an email.
    pub manager_ref: Option<String>,
    /// The User as last stored, without `id` and `meta`.
    pub resource: Value,
    /// Bumped by each write (meta.version).
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// The case its deprovisioning opened, if any.
    pub case_id: Option<String>,
}

/// What a SCIM write records in the audit trail: its kind and data (never a secret).
#[derive(Clone, Debug)]
pub struct ScimAudit<'a> {
    pub actor: &'a Actor,
    pub kind: &'a str,
    pub data: Value,
}

/// Reading and writing the SCIM roster.
#[async_trait]
pub trait ScimUserStore: Send + Sync {
    /// Inserts `user`; `false` (nothing written) when its userName (without case) is taken.
    async fn insert_scim_user(
        &self,
        user: &ScimUser,
        audit: ScimAudit<'_>,
    ) -> Result<bool, StoreError>;

    /// Replaces the stored row of `user.scim_id` if it is still at `user.version - 1`; `false`
    /// (nothing written) when it moved on, is gone, or the new userName is another user's.
    async fn update_scim_user(
        &self,
        user: &ScimUser,
        audit: ScimAudit<'_>,
    ) -> Result<bool, StoreError>;

    /// Deletes the user; the row as it was, or `None` when there was none.
    async fn delete_scim_user(
        &self,
        scim_id: &str,
        audit: ScimAudit<'_>,
        now: OffsetDateTime,
    ) -> Result<Option<ScimUser>, StoreError>;

    /// One user by id.
    async fn scim_user(&self, scim_id: &str) -> Result<Option<ScimUser>, StoreError>;

    /// The user whose address (compared without case) is `email`, the oldest if several.
    async fn scim_user_by_email(&self, email: &str) -> Result<Option<ScimUser>, StoreError>;

    /// Every SCIM user, oldest first (creation time, then id): the IdP's roster.
    async fn list_scim_users(&self) -> Result<Vec<ScimUser>, StoreError>;

    /// Notes the case `scim_id`'s deprovisioning opened.
    async fn set_scim_user_case(&self, scim_id: &str, case_id: &str) -> Result<(), StoreError>;

    /// Tells the operators `reason` about `case` (an operator notice), with an audit record of
    /// `kind` by `actor`, in one transaction.
    async fn scim_notify_operator(
        &self,
        case: CaseId,
        reason: &str,
        actor: &Actor,
        kind: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
}

const COLUMNS: &str = "scim_id, external_id, user_name, email_key, emails, active, hub_username, \
    successor, manager_ref, resource, version, created_at, updated_at, case_id";

fn read(row: &AnyRow) -> Result<ScimUser, StoreError> {
    let resource: String = row.try_get("resource")?;
    Ok(ScimUser {
        scim_id: row.try_get("scim_id")?,
        external_id: row.try_get("external_id")?,
        user_name: row.try_get("user_name")?,
        email: row.try_get("email_key")?,
        active: row.try_get::<i64, _>("active")? != 0,
        hub_username: row.try_get("hub_username")?,
        successor: row.try_get("successor")?,
        manager_ref: row.try_get("manager_ref")?,
        resource: serde_json::from_str(&resource)
            .map_err(|e| StoreError::Corrupt(format!("scim_user.resource: {e}")))?,
        version: row.try_get("version")?,
        created_at: from_ms(row.try_get("created_at")?)?,
        updated_at: from_ms(row.try_get("updated_at")?)?,
        case_id: row.try_get("case_id")?,
    })
}

fn emails(user: &ScimUser) -> String {
    user.resource
        .get("emails")
        .map(Value::to_string)
        .unwrap_or_else(|| "[]".into())
}

/// Binds `user`'s columns in the order both writes name them: `external_id` ... `case_id`.
fn bind_row<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    user: &'q ScimUser,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
        .bind(&user.external_id)
        .bind(&user.user_name)
        .bind(user.user_name.to_lowercase())
        .bind(user.email.as_ref().map(|e| e.to_lowercase()))
        .bind(emails(user))
        .bind(i64::from(user.active))
        .bind(&user.hub_username)
        .bind(&user.successor)
        .bind(&user.manager_ref)
        .bind(user.resource.to_string())
        .bind(user.version)
        .bind(ms(user.updated_at))
        .bind(&user.case_id)
}

async fn user_name_taken(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user: &ScimUser,
) -> Result<bool, StoreError> {
    let row =
        sqlx::query("SELECT scim_id FROM scim_user WHERE user_name_key = $1 AND scim_id <> $2")
            .bind(user.user_name.to_lowercase())
            .bind(&user.scim_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.is_some())
}

#[async_trait]
impl ScimUserStore for SqlStore {
    async fn insert_scim_user(
        &self,
        user: &ScimUser,
        audit: ScimAudit<'_>,
    ) -> Result<bool, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        if user_name_taken(&mut tx, user).await? {
            return Ok(false);
        }
        // The columns in `bind_row`'s order, then the id and the creation time.
        let insert = sqlx::query(
            "INSERT INTO scim_user (external_id, user_name, user_name_key, email_key, emails,
             active, hub_username, successor, manager_ref, resource, version, updated_at, case_id,
             scim_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        );
        bind_row(insert, user)
            .bind(&user.scim_id)
            .bind(ms(user.created_at))
            .execute(&mut *tx)
            .await?;
        commit_audited(tx, audit, user.updated_at).await?;
        Ok(true)
    }

    async fn update_scim_user(
        &self,
        user: &ScimUser,
        audit: ScimAudit<'_>,
    ) -> Result<bool, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        if user_name_taken(&mut tx, user).await? {
            return Ok(false);
        }
        let update = sqlx::query(
            "UPDATE scim_user SET external_id = $1, user_name = $2, user_name_key = $3,
             email_key = $4, emails = $5, active = $6, hub_username = $7, successor = $8,
             manager_ref = $9, resource = $10, version = $11, updated_at = $12, case_id = $13
             WHERE scim_id = $14 AND version = $15",
        );
        let updated = bind_row(update, user)
            .bind(&user.scim_id)
            .bind(user.version - 1)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() != 1 {
            return Ok(false);
        }
        commit_audited(tx, audit, user.updated_at).await?;
        Ok(true)
    }

    async fn delete_scim_user(
        &self,
        scim_id: &str,
        audit: ScimAudit<'_>,
        now: OffsetDateTime,
    ) -> Result<Option<ScimUser>, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM scim_user WHERE scim_id = $1"
        )))
        .bind(scim_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = read(&row)?;
        sqlx::query("DELETE FROM scim_user WHERE scim_id = $1")
            .bind(scim_id)
            .execute(&mut *tx)
            .await?;
        commit_audited(tx, audit, now).await?;
        Ok(Some(user))
    }

    async fn scim_user(&self, scim_id: &str) -> Result<Option<ScimUser>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM scim_user WHERE scim_id = $1"
        )))
        .bind(scim_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(read).transpose()
    }

    async fn scim_user_by_email(&self, email: &str) -> Result<Option<ScimUser>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM scim_user WHERE email_key = $1
             ORDER BY created_at, scim_id LIMIT 1"
        )))
        .bind(email.trim().to_lowercase())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(read).transpose()
    }

    async fn list_scim_users(&self) -> Result<Vec<ScimUser>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM scim_user ORDER BY created_at, scim_id"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(read).collect()
    }

    async fn scim_notify_operator(
        &self,
        case: CaseId,
        reason: &str,
        actor: &Actor,
        kind: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        crate::mail::operator_notices::queue(&mut tx, &[(case, reason.to_owned())], now).await?;
        let data = serde_json::json!({ "reason": reason });
        audit::append(&mut tx, Some(case), actor.as_str(), kind, data, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_scim_user_case(&self, scim_id: &str, case_id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE scim_user SET case_id = $1 WHERE scim_id = $2")
            .bind(case_id)
            .bind(scim_id)
            .execute(self.writer())
            .await?;
        Ok(())
    }
}

/// Records `audit` at `at` and commits `tx`: a SCIM write stands only with its audit record.
async fn commit_audited(
    tx: sqlx::Transaction<'static, sqlx::Any>,
    audit: ScimAudit<'_>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let actor = audit.actor.as_str();
    audit::commit_audited(tx, None, actor, audit.kind, audit.data, at).await
}
