//! Roster imports: the latest replaces the previous (entries dropped, the import row kept as
//! the record of what was there), one transaction with its audit record.

use super::{ROSTER_IMPORTED, RosterImport, RosterStore, time_of};
use crate::cases::rows::ms;
use crate::{Actor, SqlStore, StoreError, audit};
use leaver_core::roster::{RosterEntry, RosterSource, RosterStatus};
use leaver_core::{EmailAddress, HubUsername};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;
use time::macros::format_description;

/// Entries per INSERT statement (7 values each, well under SQLite's bound-variable limit).
const CHUNK: usize = 500;
const IMPORT_COLUMNS: &str =
    "import_id, source, imported_by, imported_at, entries, active, terminated";

pub(super) async fn replace(
    store: &SqlStore,
    entries: &[RosterEntry],
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<RosterImport, StoreError> {
    let terminated = entries
        .iter()
        .filter(|e| e.status == RosterStatus::Terminated)
        .count() as i64;
    let import = RosterImport {
        id: uuid::Uuid::new_v4(),
        source: "csv".into(),
        imported_by: actor.as_str().to_owned(),
        imported_at: now,
        entries: entries.len() as i64,
        active: entries.len() as i64 - terminated,
        terminated,
    };
    let mut tx = audit::begin_write(store.writer()).await?;
    let previous: Option<String> = sqlx::query_scalar(
        "SELECT import_id FROM roster_import ORDER BY imported_at DESC, import_id LIMIT 1",
    )
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM roster_entry")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO roster_import (import_id, source, imported_by, imported_at, entries, active, terminated)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(import.id.to_string())
    .bind(&import.source)
    .bind(&import.imported_by)
    .bind(ms(now))
    .bind(import.entries)
    .bind(import.active)
    .bind(import.terminated)
    .execute(&mut *tx)
    .await?;
    for (n, chunk) in entries.chunks(CHUNK).enumerate() {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 7;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO roster_entry (import_id, line, email, hub_username, status, end_date, manager_email) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (i, entry) in chunk.iter().enumerate() {
            query = query
                .bind(import.id.to_string())
                .bind((n * CHUNK + i + 1) as i64)
                .bind(entry.email.to_string())
                .bind(entry.hub_username.as_ref().map(ToString::to_string))
                .bind(entry.status.as_str())
                .bind(entry.end_date.map(|d| d.to_string()))
                .bind(entry.manager_email.as_ref().map(ToString::to_string));
        }
        query.execute(&mut *tx).await?;
    }
    let record = json!({
        "import": import.id, "entries": import.entries, "active": import.active,
        "terminated": import.terminated, "replaces": previous,
    });
    audit::append(&mut tx, None, actor.as_str(), ROSTER_IMPORTED, record, now).await?;
    tx.commit().await?;
    Ok(import)
}

pub(super) async fn latest(
    store: &SqlStore,
) -> Result<(Option<RosterImport>, Vec<RosterEntry>), StoreError> {
    let Some(import) = imports(store, 1).await?.into_iter().next() else {
        return Ok((None, Vec::new()));
    };
    let rows = sqlx::query(
        "SELECT email, hub_username, status, end_date, manager_email FROM roster_entry
         WHERE import_id = $1 ORDER BY line",
    )
    .bind(import.id.to_string())
    .fetch_all(store.pool())
    .await?;
    let entries = rows.iter().map(entry_from_row).collect::<Result<_, _>>()?;
    Ok((Some(import), entries))
}

pub(super) async fn imports(store: &SqlStore, limit: u32) -> Result<Vec<RosterImport>, StoreError> {
    let sql = format!(
        "SELECT {IMPORT_COLUMNS} FROM roster_import ORDER BY imported_at DESC, import_id LIMIT $1"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(i64::from(limit))
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("import_id")?;
            Ok(RosterImport {
                id: id
                    .parse()
                    .map_err(|e| StoreError::Corrupt(format!("import_id {id:?}: {e}")))?,
                source: row.try_get("source")?,
                imported_by: row.try_get("imported_by")?,
                imported_at: time_of(row.try_get("imported_at")?)?,
                entries: row.try_get("entries")?,
                active: row.try_get("active")?,
                terminated: row.try_get("terminated")?,
            })
        })
        .collect()
}

fn corrupt(column: &str, raw: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("roster_entry.{column} {raw:?}: {e}"))
}

fn entry_from_row(row: &AnyRow) -> Result<RosterEntry, StoreError> {
    let email: String = row.try_get("email")?;
    let user: Option<String> = row.try_get("hub_username")?;
    let status: String = row.try_get("status")?;
    let end: Option<String> = row.try_get("end_date")?;
    let manager: Option<String> = row.try_get("manager_email")?;
    Ok(RosterEntry {
        email: EmailAddress::parse(&email).map_err(|e| corrupt("email", &email, e))?,
        hub_username: user
            .map(|u| HubUsername::parse(&u).map_err(|e| corrupt("hub_username", &u, e)))
            .transpose()?,
        status: RosterStatus::parse(&status).map_err(|e| corrupt("status", &status, e))?,
        end_date: end
            .map(|d| {
                time::Date::parse(&d, format_description!("[year]-[month]-[day]"))
                    .map_err(|e| corrupt("end_date", &d, e))
            })
            .transpose()?,
        manager_email: manager
            .map(|m| EmailAddress::parse(&m).map_err(|e| corrupt("manager_email", &m, e)))
            .transpose()?,
        source: RosterSource::Csv,
    })
}

#[async_trait::async_trait]
impl RosterStore for SqlStore {
    async fn replace_roster(
        &self,
        entries: &[RosterEntry],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<RosterImport, StoreError> {
        replace(self, entries, actor, now).await
    }

    async fn roster(&self) -> Result<(Option<RosterImport>, Vec<RosterEntry>), StoreError> {
        latest(self).await
    }

    async fn roster_imports(&self, limit: u32) -> Result<Vec<RosterImport>, StoreError> {
        imports(self, limit).await
    }

    async fn dismiss_finding(&self, dismissal: &super::Dismissal) -> Result<bool, StoreError> {
        super::findings::dismiss(self, dismissal).await
    }

    async fn dismissals(&self) -> Result<Vec<super::Dismissal>, StoreError> {
        super::findings::dismissals(self).await
    }

    async fn mark_seen(
        &self,
        seen: &[super::FindingKey],
        now: OffsetDateTime,
    ) -> Result<std::collections::HashMap<super::FindingKey, OffsetDateTime>, StoreError> {
        super::findings::mark_seen(self, seen, now).await
    }

    async fn case_times(&self) -> Result<Vec<leaver_core::roster::CaseTimes>, StoreError> {
        super::case_times::case_times(self).await
    }

    async fn open_case_usernames(&self) -> Result<Vec<String>, StoreError> {
        super::case_times::open_usernames(self).await
    }

    async fn roster_read(&self) -> Result<super::RosterReadState, StoreError> {
        super::reads::state(self).await
    }

    async fn request_roster_read(&self, now: OffsetDateTime) -> Result<(), StoreError> {
        super::reads::request(self, now).await
    }

    async fn save_roster_read(
        &self,
        read: &super::RosterRead,
        started: OffsetDateTime,
    ) -> Result<(), StoreError> {
        super::reads::save(self, read, started).await
    }

    async fn roster_read_failed(
        &self,
        started: OffsetDateTime,
        at: OffsetDateTime,
        error: &str,
    ) -> Result<(), StoreError> {
        super::reads::failed(self, started, at, error).await
    }
}
