//! Reading and writing cases and their steps.

use crate::rows::{CASE_COLUMNS, STEP_COLUMNS, case_from_row, ms, step_from_row};
use crate::{CaseFilter, StoreError};
use leaver_core::audit::canonical_json;
use leaver_core::{Case, CaseId, Step, Ticket};
use sha2::{Digest, Sha256};
use sqlx::{Any, AnyConnection, AnyPool, AssertSqlSafe, Row, Transaction};
use std::collections::HashMap;

/// A fingerprint of the ticket's content: replays of the same ticket have the same one.
pub(crate) fn ticket_hash(ticket: &Ticket) -> String {
    let value = serde_json::to_value(ticket).unwrap_or_default();
    hex::encode(Sha256::digest(canonical_json(&value).as_bytes()))
}

/// Inserts a new case unless one with its external id exists. Returns whether it inserted.
pub(crate) async fn insert(
    tx: &mut Transaction<'static, Any>,
    case: &Case,
    ticket_hash: &str,
) -> Result<bool, StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO offboarding_case (case_id, external_id, ticket_hash, state, email, name, hub_username,
             manager_email, successor, effective_at, reason, run_now, blocked_reason, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, NULL, $12, $12)
         ON CONFLICT (external_id) DO NOTHING",
    )
    .bind(case.id.to_string())
    .bind(case.external_id.to_string())
    .bind(ticket_hash)
    .bind(case.state.as_str())
    .bind(case.person.email.to_string())
    .bind(case.person.name.clone())
    .bind(case.person.hub_username.to_string())
    .bind(case.manager_email.to_string())
    .bind(case.successor.as_ref().map(ToString::to_string))
    .bind(case.effective_at.map(ms))
    .bind(case.reason.clone())
    .bind(ms(case.created_at))
    .execute(&mut **tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// The id and ticket fingerprint of the case opened for `external_id`.
pub(crate) async fn find_by_external_id(
    tx: &mut Transaction<'static, Any>,
    external_id: &str,
) -> Result<Option<(CaseId, String)>, StoreError> {
    let row =
        sqlx::query("SELECT case_id, ticket_hash FROM offboarding_case WHERE external_id = $1")
            .bind(external_id)
            .fetch_optional(&mut **tx)
            .await?;
    row.map(|row| {
        let id: String = row.try_get("case_id")?;
        let id = id
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("case_id {id}: {e}")))?;
        Ok((id, row.try_get("ticket_hash")?))
    })
    .transpose()
}

/// Loads one case with its steps.
pub(crate) async fn load(conn: &mut AnyConnection, id: CaseId) -> Result<Case, StoreError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CASE_COLUMNS} FROM offboarding_case WHERE case_id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::CaseNotFound(id))?;
    let mut case = case_from_row(&row)?;
    let steps = sqlx::query(AssertSqlSafe(format!(
        "SELECT {STEP_COLUMNS} FROM step WHERE case_id = $1 ORDER BY position"
    )))
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    case.steps = steps.iter().map(step_from_row).collect::<Result<_, _>>()?;
    Ok(case)
}

/// Lists cases, newest first, and fills in their steps with one more query.
pub(crate) async fn list(pool: &AnyPool, filter: &CaseFilter) -> Result<Vec<Case>, StoreError> {
    let search = filter
        .search
        .as_ref()
        .map(|s| format!("%{}%", s.to_lowercase()));
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CASE_COLUMNS} FROM offboarding_case
         WHERE ($1 IS NULL OR state = $1)
           AND ($2 IS NULL OR lower(external_id) LIKE $2 OR lower(email) LIKE $2 OR lower(hub_username) LIKE $2)
         ORDER BY created_at DESC, case_id LIMIT $3 OFFSET $4"
    )))
    .bind(filter.state.map(|s| s.as_str()))
    .bind(search)
    .bind(i64::from(filter.limit.unwrap_or(100)))
    .bind(i64::from(filter.offset))
    .fetch_all(pool)
    .await?;
    let mut cases: Vec<Case> = rows.iter().map(case_from_row).collect::<Result<_, _>>()?;
    if cases.is_empty() {
        return Ok(cases);
    }
    let placeholders: Vec<String> = (1..=cases.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {STEP_COLUMNS} FROM step WHERE case_id IN ({}) ORDER BY case_id, position",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for case in &cases {
        query = query.bind(case.id.to_string());
    }
    let mut steps: HashMap<String, Vec<Step>> = HashMap::new();
    for row in query.fetch_all(pool).await? {
        let case_id: String = row.try_get("case_id")?;
        steps.entry(case_id).or_default().push(step_from_row(&row)?);
    }
    for case in &mut cases {
        case.steps = steps.remove(&case.id.to_string()).unwrap_or_default();
    }
    Ok(cases)
}

/// Writes what changed between `before` and `after`: the case row, changed or new steps, and
/// steps the new plan dropped.
pub(crate) async fn save(
    tx: &mut Transaction<'static, Any>,
    before: &Case,
    after: &Case,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE offboarding_case SET state = $1, successor = $2, run_now = $3, blocked_reason = $4, updated_at = $5
         WHERE case_id = $6",
    )
    .bind(after.state.as_str())
    .bind(after.successor.as_ref().map(ToString::to_string))
    .bind(i64::from(after.run_now))
    .bind(after.blocked_reason.clone())
    .bind(ms(after.updated_at))
    .bind(after.id.to_string())
    .execute(&mut **tx)
    .await?;
    for old in before
        .steps
        .iter()
        .filter(|old| after.step(old.id).is_none())
    {
        sqlx::query("DELETE FROM step WHERE step_id = $1")
            .bind(old.id.to_string())
            .execute(&mut **tx)
            .await?;
    }
    for (position, step) in after.steps.iter().enumerate() {
        if before.step(step.id) != Some(step) {
            upsert_step(tx, after, position, step).await?;
        }
    }
    Ok(())
}

async fn upsert_step(
    tx: &mut Transaction<'static, Any>,
    case: &Case,
    position: usize,
    step: &Step,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO step (step_id, case_id, position, kind, target, strategy, state, attempts, error,
             next_retry_at, instructions, note, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (step_id) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
             error = excluded.error, next_retry_at = excluded.next_retry_at,
             instructions = excluded.instructions, note = excluded.note, updated_at = excluded.updated_at",
    )
    .bind(step.id.to_string())
    .bind(case.id.to_string())
    .bind(i64::try_from(position).unwrap_or(i64::MAX))
    .bind(step.kind.as_str())
    .bind(step.target.to_string())
    .bind(step.strategy.as_str())
    .bind(step.state.as_str())
    .bind(i64::from(step.attempts))
    .bind(step.error.clone())
    .bind(step.next_retry_at.map(ms))
    .bind(step.instructions.clone())
    .bind(step.note.clone())
    .bind(ms(case.updated_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
