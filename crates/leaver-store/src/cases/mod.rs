//! Reading and writing cases and their steps.

pub(crate) mod open_batch;
pub(crate) mod record_batch;
pub(crate) mod rows;
mod tokens_ack;
pub(crate) mod transitions;

use crate::cases::rows::{CASE_COLUMNS, STEP_COLUMNS, case_from_row, ms, step_from_row};
use crate::write_path::multi_row::{self, Marks};
use crate::{CaseFilter, StoreError};
use leaver_core::audit::canonical_json;
use leaver_core::{Case, CaseId, Step, Ticket};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AnyPool, AssertSqlSafe, Row, Transaction};
use std::collections::{HashMap, HashSet};

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
    let inserted = insert_many(tx, &[(case, ticket_hash)]).await?;
    Ok(inserted.contains(&case.id))
}

/// Inserts the cases whose external id is new (multi-row); returns the ids of those inserted.
pub(crate) async fn insert_many(
    tx: &mut Transaction<'static, Any>,
    cases: &[(&Case, &str)],
) -> Result<HashSet<CaseId>, StoreError> {
    let mut inserted = HashSet::with_capacity(cases.len());
    for chunk in cases.chunks(multi_row::rows_per_statement(15)) {
        let sql = format!(
            "INSERT INTO offboarding_case (case_id, external_id, ticket_hash, state, email, name,
                 hub_username, manager_email, successor, effective_at, reason, run_now,
                 blocked_reason, created_at, updated_at)
             VALUES {}
             ON CONFLICT (external_id) DO NOTHING
             RETURNING case_id",
            Marks::of(tx).values(chunk.len(), 15)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (case, hash) in chunk {
            query = query
                .bind(case.id.to_string())
                .bind(case.external_id.to_string())
                .bind(hash.to_string())
                .bind(case.state.as_str())
                .bind(case.person.email.to_string())
                .bind(case.person.name.clone())
                .bind(rows::hub_username_column(&case.person))
                .bind(case.manager_email.to_string())
                .bind(case.successor.as_ref().map(ToString::to_string))
                .bind(case.effective_at.map(ms))
                .bind(case.reason.clone())
                .bind(i64::from(case.run_now))
                .bind(case.blocked_reason.clone())
                .bind(ms(case.created_at))
                .bind(ms(case.updated_at));
        }
        for row in query.fetch_all(&mut **tx).await? {
            inserted.insert(parse_id(&row)?);
        }
    }
    Ok(inserted)
}

fn parse_id(row: &AnyRow) -> Result<CaseId, StoreError> {
    let id: String = row.try_get("case_id")?;
    id.parse()
        .map_err(|e| StoreError::Corrupt(format!("case_id {id}: {e}")))
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

/// The id and ticket fingerprint of each case opened for one of `external_ids`, by external id.
pub(crate) async fn find_by_external_ids(
    tx: &mut Transaction<'static, Any>,
    external_ids: &[&str],
) -> Result<HashMap<String, (CaseId, String)>, StoreError> {
    let mut found = HashMap::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(multi_row::rows_per_statement(1)) {
        let sql = format!(
            "SELECT case_id, external_id, ticket_hash FROM offboarding_case WHERE external_id IN ({})",
            Marks::of(tx).list(chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut **tx).await? {
            let external_id: String = row.try_get("external_id")?;
            found.insert(external_id, (parse_id(&row)?, row.try_get("ticket_hash")?));
        }
    }
    Ok(found)
}

/// Loads several cases with their steps in two queries per chunk of ids; ids that name no case
/// are left out. A case whose row does not decode fails alone, under its id: one bad row must
/// not stop the others (a batch of jobs, a page of cases).
pub(crate) async fn load_many(
    conn: &mut AnyConnection,
    ids: &[CaseId],
) -> Result<HashMap<CaseId, Result<Case, StoreError>>, StoreError> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(multi_row::rows_per_statement(1)) {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM offboarding_case WHERE case_id IN ({})",
            Marks::of(conn).list(chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id.to_string());
        }
        let rows = query.fetch_all(&mut *conn).await?;
        found.extend(decode_with_steps(conn, &rows).await?);
    }
    Ok(found)
}

/// The cases of [`load_many`] that decoded; those that did not are logged and left out (a
/// write for them then fails alone, as for a case that does not exist).
pub(crate) async fn load_readable(
    conn: &mut AnyConnection,
    ids: &[CaseId],
) -> Result<HashMap<CaseId, Case>, StoreError> {
    Ok(readable(load_many(conn, ids).await?).collect())
}

/// The cases that decoded; each one that did not is logged with its id and left out.
fn readable(
    decoded: impl IntoIterator<Item = (CaseId, Result<Case, StoreError>)>,
) -> impl Iterator<Item = (CaseId, Case)> {
    decoded.into_iter().filter_map(|(id, case)| match case {
        Ok(case) => Some((id, case)),
        Err(error) => {
            tracing::error!(case_id = %id, %error, "a stored case does not decode; left out");
            None
        }
    })
}

/// Decodes case rows one by one and fills in their steps; a case whose row or one of whose
/// steps does not decode comes back as its error. Rows whose very id is unreadable are
/// logged and left out.
async fn decode_with_steps(
    conn: &mut AnyConnection,
    rows: &[AnyRow],
) -> Result<Vec<(CaseId, Result<Case, StoreError>)>, StoreError> {
    let mut cases = Vec::with_capacity(rows.len());
    let mut broken = Vec::new();
    for row in rows {
        match (parse_id(row), case_from_row(row)) {
            (_, Ok(case)) => cases.push(case),
            (Ok(id), Err(error)) => broken.push((id, Err(error))),
            (Err(_), Err(error)) => tracing::error!(%error, "a case row has no readable id"),
        }
    }
    let mut step_errors = HashMap::new();
    for chunk in cases.chunks_mut(multi_row::rows_per_statement(1)) {
        step_errors.extend(attach_steps(conn, chunk).await?);
    }
    let mut decoded: Vec<(CaseId, Result<Case, StoreError>)> = cases
        .into_iter()
        .map(|case| match step_errors.remove(&case.id) {
            Some(error) => (case.id, Err(error)),
            None => (case.id, Ok(case)),
        })
        .collect();
    decoded.append(&mut broken);
    Ok(decoded)
}

/// Fills in the steps of `cases` (at most a chunk's worth) with one query. Returns, by case,
/// the first step row that did not decode (that case's steps are then incomplete).
async fn attach_steps(
    conn: &mut AnyConnection,
    cases: &mut [Case],
) -> Result<HashMap<CaseId, StoreError>, StoreError> {
    let mut broken = HashMap::new();
    if cases.is_empty() {
        return Ok(broken);
    }
    let sql = format!(
        "SELECT {STEP_COLUMNS} FROM step WHERE case_id IN ({}) ORDER BY case_id, position",
        Marks::of(conn).list(cases.len())
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for case in cases.iter() {
        query = query.bind(case.id.to_string());
    }
    let mut steps: HashMap<String, Vec<Step>> = HashMap::new();
    for row in query.fetch_all(&mut *conn).await? {
        let case_id: String = row.try_get("case_id")?;
        match step_from_row(&row) {
            Ok(step) => steps.entry(case_id).or_default().push(step),
            Err(error) => {
                if let Ok(id) = case_id.parse::<CaseId>() {
                    broken.entry(id).or_insert(error);
                }
            }
        }
    }
    for case in cases {
        case.steps = steps.remove(&case.id.to_string()).unwrap_or_default();
    }
    Ok(broken)
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

/// Lists cases, newest first, and fills in their steps with one more query. A case that does
/// not decode is logged and left out, so that one bad row cannot take the whole list down.
pub(crate) async fn list(pool: &AnyPool, filter: &CaseFilter) -> Result<Vec<Case>, StoreError> {
    let search = filter
        .search
        .as_ref()
        .map(|s| format!("%{}%", like_literal(&s.to_lowercase())));
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {CASE_COLUMNS} FROM offboarding_case
         WHERE ($1 IS NULL OR state = $1)
           AND ($2 IS NULL OR lower(external_id) LIKE $2 ESCAPE '\\' OR lower(email) LIKE $2 ESCAPE '\\'
                OR lower(hub_username) LIKE $2 ESCAPE '\\')
         ORDER BY created_at DESC, case_id LIMIT $3 OFFSET $4"
    )))
    .bind(filter.state.map(|s| s.as_str()))
    .bind(search)
    .bind(i64::from(filter.limit.unwrap_or(100)))
    .bind(i64::from(filter.offset))
    .fetch_all(pool)
    .await?;
    let mut conn = pool.acquire().await?;
    let cases = decode_with_steps(&mut conn, &rows).await?;
    Ok(readable(cases).map(|(_, case)| case).collect())
}

/// `text` for a `LIKE ... ESCAPE '\'` pattern that matches it literally: `%` and `_` are
/// characters to find, not wildcards.
fn like_literal(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Writes what changed between `before` and `after`: the case row, changed or new steps, and
/// steps the new plan dropped.
pub(crate) async fn save(
    tx: &mut Transaction<'static, Any>,
    before: &Case,
    after: &Case,
) -> Result<(), StoreError> {
    save_many(tx, &[(before, after)]).await
}

/// [`save`] for many cases, with one multi-row statement for the case rows and one for the
/// changed steps (plus one per dropped step, which only a re-plan causes).
pub(crate) async fn save_many(
    tx: &mut Transaction<'static, Any>,
    changes: &[(&Case, &Case)],
) -> Result<(), StoreError> {
    for chunk in changes.chunks(multi_row::rows_per_statement(6)) {
        update_cases(tx, chunk).await?;
    }
    for (_, after) in changes.iter().filter(|(b, a)| ticket_changed(b, a)) {
        update_ticket_fields(tx, after).await?;
    }
    for (_, after) in changes.iter().filter(|(b, a)| b.tokens_ack != a.tokens_ack) {
        tokens_ack::save(tx, after).await?;
    }
    for (before, after) in changes {
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
    }
    let steps: Vec<(&Case, usize, &Step)> = changes
        .iter()
        .flat_map(|(before, after)| {
            after
                .steps
                .iter()
                .enumerate()
                .filter(|(_, step)| before.step(step.id) != Some(*step))
                .map(|(position, step)| (*after, position, step))
        })
        .collect();
    for chunk in steps.chunks(multi_row::rows_per_statement(STEP_VALUES)) {
        upsert_steps(tx, chunk).await?;
    }
    Ok(())
}

/// Updates the mutable columns of many case rows in one statement. A `VALUES` list's columns
/// are `column1, column2, ..` on both SQLite and Postgres.
async fn update_cases(
    tx: &mut Transaction<'static, Any>,
    changes: &[(&Case, &Case)],
) -> Result<(), StoreError> {
    let sql = format!(
        "UPDATE offboarding_case SET state = v.column2, successor = v.column3, run_now = v.column4,
             blocked_reason = v.column5, updated_at = v.column6
         FROM (VALUES {}) AS v WHERE offboarding_case.case_id = v.column1",
        Marks::of(tx).values(changes.len(), 6)
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for (_, after) in changes {
        query = query
            .bind(after.id.to_string())
            .bind(after.state.as_str())
            .bind(after.successor.as_ref().map(ToString::to_string))
            .bind(i64::from(after.run_now))
            .bind(after.blocked_reason.clone())
            .bind(ms(after.updated_at));
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// Whether HR changed the ticket's fields (rare: the hot path leaves them alone).
fn ticket_changed(before: &Case, after: &Case) -> bool {
    before.effective_at != after.effective_at
        || before.manager_email != after.manager_email
        || before.reason != after.reason
        || before.person.name != after.person.name
        || before.person.hub_username != after.person.hub_username
}

/// Writes the ticket's fields HR may change (`successor` goes with every update).
async fn update_ticket_fields(
    tx: &mut Transaction<'static, Any>,
    case: &Case,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE offboarding_case SET effective_at = $1, manager_email = $2, reason = $3, name = $4,
             hub_username = $6
         WHERE case_id = $5",
    )
    .bind(case.effective_at.map(ms))
    .bind(case.manager_email.to_string())
    .bind(case.reason.clone())
    .bind(case.person.name.clone())
    .bind(case.id.to_string())
    .bind(rows::hub_username_column(&case.person))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The values [`upsert_steps`] binds per step.
const STEP_VALUES: usize = 15;

async fn upsert_steps(
    tx: &mut Transaction<'static, Any>,
    steps: &[(&Case, usize, &Step)],
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO step (step_id, case_id, position, kind, target, strategy, state, attempts, error,
             next_retry_at, failing_since, instructions, note, updated_at, kept_by)
         VALUES {}
         ON CONFLICT (step_id) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
             error = excluded.error, next_retry_at = excluded.next_retry_at,
             failing_since = excluded.failing_since,
             instructions = excluded.instructions, note = excluded.note, updated_at = excluded.updated_at,
             kept_by = excluded.kept_by",
        Marks::of(tx).values(steps.len(), STEP_VALUES)
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for (case, position, step) in steps {
        query = query
            .bind(step.id.to_string())
            .bind(case.id.to_string())
            .bind(i64::try_from(*position).unwrap_or(i64::MAX))
            .bind(step.kind.as_str())
            .bind(step.target.to_string())
            .bind(step.strategy.as_str())
            .bind(step.state.as_str())
            .bind(i64::from(step.attempts))
            .bind(step.error.clone())
            .bind(step.next_retry_at.map(ms))
            .bind(step.failing_since.map(ms))
            .bind(step.instructions.clone())
            .bind(step.note.clone())
            .bind(ms(case.updated_at))
            .bind(step.kept_by.clone());
    }
    query.execute(&mut **tx).await?;
    Ok(())
}
