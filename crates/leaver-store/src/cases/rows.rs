//! Conversions between database rows and domain values. Times are stored as Unix milliseconds.

use crate::StoreError;
use leaver_core::tokens_ack::TokensAck;
use leaver_core::{Case, HubUsername, Person, Step};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::str::FromStr;
use time::OffsetDateTime;

/// A time as stored: milliseconds since the Unix epoch.
pub(crate) fn ms(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// A stored time back as a time.
pub(crate) fn from_ms(ms: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|e| StoreError::Corrupt(format!("time {ms}: {e}")))
}

fn parsed<T: FromStr>(row: &AnyRow, column: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    let raw: String = row.try_get(column)?;
    raw.parse()
        .map_err(|e| StoreError::Corrupt(format!("{column} {raw:?}: {e}")))
}

fn parsed_opt<T: FromStr>(row: &AnyRow, column: &str) -> Result<Option<T>, StoreError>
where
    T::Err: std::fmt::Display,
{
    let raw: Option<String> = row.try_get(column)?;
    raw.map(|raw| {
        raw.parse()
            .map_err(|e| StoreError::Corrupt(format!("{column} {raw:?}: {e}")))
    })
    .transpose()
}

fn time_opt(row: &AnyRow, column: &str) -> Result<Option<OffsetDateTime>, StoreError> {
    let raw: Option<i64> = row.try_get(column)?;
    raw.map(from_ms).transpose()
}

/// The columns [`case_from_row`] reads.
pub(crate) const CASE_COLUMNS: &str = "case_id, external_id, state, email, name, hub_username, manager_email, \
     successor, effective_at, reason, run_now, blocked_reason, tokens_ack_by, tokens_ack_at, created_at, updated_at";

/// A case row, without its steps.
pub(crate) fn case_from_row(row: &AnyRow) -> Result<Case, StoreError> {
    let run_now: i64 = row.try_get("run_now")?;
    Ok(Case {
        id: parsed(row, "case_id")?,
        external_id: parsed(row, "external_id")?,
        state: parsed(row, "state")?,
        person: Person {
            email: parsed(row, "email")?,
            name: row.try_get("name")?,
            hub_username: hub_username_from(row)?,
        },
        manager_email: parsed(row, "manager_email")?,
        successor: parsed_opt(row, "successor")?,
        effective_at: time_opt(row, "effective_at")?,
        reason: row.try_get("reason")?,
        run_now: run_now != 0,
        blocked_reason: row.try_get("blocked_reason")?,
        tokens_ack: tokens_ack(row)?,
        steps: Vec::new(),
        created_at: from_ms(row.try_get("created_at")?)?,
        updated_at: from_ms(row.try_get("updated_at")?)?,
    })
}

/// How the `hub_username` column holds a case's Hub username: the name, or the empty string
/// while the case awaits it (`leaver_core::awaiting_username`). The column stays `NOT NULL`:
/// SQLite cannot drop a `NOT NULL` without rebuilding the case table under its foreign keys,
/// and no Hub username is empty, so the empty string says "not known yet" unambiguously.
pub(crate) fn hub_username_column(person: &Person) -> String {
    person
        .hub_username
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// A case's Hub username as summaries show it: the name, or
/// [`leaver_core::awaiting_username::UNKNOWN_HUB_USERNAME`] while the case awaits it.
pub(crate) fn hub_username_shown(row: &AnyRow) -> Result<String, StoreError> {
    let raw: String = row.try_get("hub_username")?;
    Ok(if raw.is_empty() {
        leaver_core::awaiting_username::UNKNOWN_HUB_USERNAME.to_owned()
    } else {
        raw
    })
}

fn hub_username_from(row: &AnyRow) -> Result<Option<HubUsername>, StoreError> {
    let raw: String = row.try_get("hub_username")?;
    if raw.is_empty() {
        return Ok(None);
    }
    parsed(row, "hub_username").map(Some)
}

/// Who checked Tokens Management and when, if somebody did.
fn tokens_ack(row: &AnyRow) -> Result<Option<TokensAck>, StoreError> {
    let by: Option<String> = row.try_get("tokens_ack_by")?;
    match (by, time_opt(row, "tokens_ack_at")?) {
        (Some(by), Some(at)) => Ok(Some(TokensAck { by, at })),
        (None, None) => Ok(None),
        _ => Err(StoreError::Corrupt(
            "tokens_ack_by and tokens_ack_at: one is set without the other".into(),
        )),
    }
}

/// The columns [`step_from_row`] reads.
pub(crate) const STEP_COLUMNS: &str = "step_id, case_id, kind, target, strategy, state, attempts, error, next_retry_at, failing_since, instructions, note, kept_by";

/// A step row.
pub(crate) fn step_from_row(row: &AnyRow) -> Result<Step, StoreError> {
    let attempts: i64 = row.try_get("attempts")?;
    Ok(Step {
        id: parsed(row, "step_id")?,
        kind: parsed(row, "kind")?,
        target: parsed(row, "target")?,
        strategy: parsed(row, "strategy")?,
        state: parsed(row, "state")?,
        attempts: u32::try_from(attempts)
            .map_err(|e| StoreError::Corrupt(format!("attempts {attempts}: {e}")))?,
        error: row.try_get("error")?,
        next_retry_at: time_opt(row, "next_retry_at")?,
        failing_since: time_opt(row, "failing_since")?,
        instructions: row.try_get("instructions")?,
        note: row.try_get("note")?,
        kept_by: row.try_get("kept_by")?,
    })
}
