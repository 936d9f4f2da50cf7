//! Dismissed reconciliation rows (audited) and since when each finding has been seen.

use super::{Dismissal, FindingKey, ROSTER_FINDING_DISMISSED, time_of};
use crate::cases::rows::ms;
use crate::{SqlStore, StoreError, audit};
use leaver_core::roster::FindingKind;
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;
use time::OffsetDateTime;

/// Findings per upsert statement (5 values each).
const CHUNK: usize = 500;

fn kind_of(raw: &str) -> Result<FindingKind, StoreError> {
    FindingKind::parse(raw).ok_or_else(|| StoreError::Corrupt(format!("finding kind {raw:?}")))
}

pub(super) async fn dismiss(store: &SqlStore, d: &Dismissal) -> Result<bool, StoreError> {
    let mut tx = audit::begin_write(store.writer()).await?;
    let written = sqlx::query(
        "INSERT INTO roster_dismissal (org, kind, subject, reason, dismissed_by, dismissed_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org, kind, subject) DO NOTHING",
    )
    .bind(&d.org)
    .bind(d.kind.as_str())
    .bind(&d.subject)
    .bind(&d.reason)
    .bind(&d.dismissed_by)
    .bind(ms(d.dismissed_at))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if written == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let record = json!({ "org": d.org, "kind": d.kind, "subject": d.subject, "reason": d.reason });
    audit::append(
        &mut tx,
        None,
        &d.dismissed_by,
        ROSTER_FINDING_DISMISSED,
        record,
        d.dismissed_at,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn dismissals(store: &SqlStore) -> Result<Vec<Dismissal>, StoreError> {
    let rows = sqlx::query(
        "SELECT org, kind, subject, reason, dismissed_by, dismissed_at FROM roster_dismissal
         ORDER BY dismissed_at DESC, org, kind, subject",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Dismissal {
                org: row.try_get("org")?,
                kind: kind_of(&row.try_get::<String, _>("kind")?)?,
                subject: row.try_get("subject")?,
                reason: row.try_get("reason")?,
                dismissed_by: row.try_get("dismissed_by")?,
                dismissed_at: time_of(row.try_get("dismissed_at")?)?,
            })
        })
        .collect()
}

pub(super) async fn mark_seen(
    store: &SqlStore,
    seen: &[FindingKey],
    now: OffsetDateTime,
) -> Result<HashMap<FindingKey, OffsetDateTime>, StoreError> {
    let mut tx = store.writer().begin().await?;
    for chunk in seen.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 5;
                format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO roster_finding_seen (org, kind, subject, first_seen_at, last_seen_at) VALUES {}
             ON CONFLICT (org, kind, subject) DO UPDATE SET last_seen_at = excluded.last_seen_at",
            values.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (org, kind, subject) in chunk {
            query = query
                .bind(org)
                .bind(kind.as_str())
                .bind(subject)
                .bind(ms(now))
                .bind(ms(now));
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    let rows = sqlx::query("SELECT org, kind, subject, first_seen_at FROM roster_finding_seen")
        .fetch_all(store.pool())
        .await?;
    let wanted: std::collections::HashSet<&FindingKey> = seen.iter().collect();
    let mut out = HashMap::with_capacity(seen.len());
    for row in &rows {
        let key: FindingKey = (
            row.try_get("org")?,
            kind_of(&row.try_get::<String, _>("kind")?)?,
            row.try_get("subject")?,
        );
        if wanted.contains(&key) {
            let first = time_of(row.try_get("first_seen_at")?)?;
            out.insert(key, first);
        }
    }
    Ok(out)
}
