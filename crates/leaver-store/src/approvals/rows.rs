//! Approval rows: the link view query, link inserts, enum columns.

use crate::approvals::{LinkEmail, LinkMinter, LinkView};
use crate::rows::{from_ms, ms};
use crate::{StoreError, cases, outbox};
use leaver_core::approval::{Decision, Mode};
use serde::de::DeserializeOwned;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Row, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

/// The link, its request and its case's state, joined.
pub(crate) const LINK_VIEW: &str = "SELECT l.link_id, l.token_hash, l.request_id, r.case_id, r.rule, r.mode, r.steps, r.state AS request_state,
        c.state AS case_state, l.approver, l.escalation, l.created_at, l.expires_at, l.superseded_at,
        l.decided_at, l.decision, l.reason
     FROM approval_link l
     JOIN approval_request r ON r.request_id = l.request_id
     JOIN offboarding_case c ON c.case_id = r.case_id";

/// A snake_case enum stored as text (`any`, `approve`).
pub(crate) fn enum_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse_enum<T: DeserializeOwned>(raw: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned()))
        .map_err(|e| StoreError::Corrupt(format!("{raw:?}: {e}")))
}

fn uuid(row: &AnyRow, column: &str) -> Result<Uuid, StoreError> {
    let raw: String = row.try_get(column)?;
    raw.parse()
        .map_err(|e| StoreError::Corrupt(format!("{column} {raw:?}: {e}")))
}

fn time_opt(row: &AnyRow, column: &str) -> Result<Option<OffsetDateTime>, StoreError> {
    let raw: Option<i64> = row.try_get(column)?;
    raw.map(from_ms).transpose()
}

pub(crate) fn view_from_row(row: &AnyRow) -> Result<LinkView, StoreError> {
    let steps: String = row.try_get("steps")?;
    let mode: String = row.try_get("mode")?;
    let case_state: String = row.try_get("case_state")?;
    let decision: Option<String> = row.try_get("decision")?;
    let escalation: i64 = row.try_get("escalation")?;
    Ok(LinkView {
        link_id: uuid(row, "link_id")?,
        request_id: uuid(row, "request_id")?,
        case_id: leaver_core::CaseId(uuid(row, "case_id")?),
        rule: row.try_get("rule")?,
        mode: parse_enum::<Mode>(&mode)?,
        steps: serde_json::from_str(&steps)
            .map_err(|e| StoreError::Corrupt(format!("steps: {e}")))?,
        request_state: row.try_get("request_state")?,
        case_state: case_state.parse().map_err(StoreError::Corrupt)?,
        approver: row.try_get("approver")?,
        escalation: escalation != 0,
        created_at: from_ms(row.try_get("created_at")?)?,
        expires_at: from_ms(row.try_get("expires_at")?)?,
        superseded_at: time_opt(row, "superseded_at")?,
        decided_at: time_opt(row, "decided_at")?,
        decision: decision.map(|d| parse_enum::<Decision>(&d)).transpose()?,
        reason: row.try_get("reason")?,
    })
}

/// Links matching `filter` (a WHERE clause over `l`/`r`/`c` with `$1` bound to `value`).
pub(crate) async fn views(
    conn: &mut AnyConnection,
    filter: &str,
    value: String,
) -> Result<Vec<LinkView>, StoreError> {
    let sql = AssertSqlSafe(format!(
        "{LINK_VIEW} WHERE {filter} ORDER BY l.created_at, l.link_id"
    ));
    let rows = sqlx::query(sql).bind(value).fetch_all(conn).await?;
    rows.iter().map(view_from_row).collect()
}

/// The one link matching `filter`.
pub(crate) async fn view(
    conn: &mut AnyConnection,
    filter: &str,
    value: String,
) -> Result<Option<LinkView>, StoreError> {
    Ok(views(conn, filter, value).await?.into_iter().next())
}

/// How new links are made: their secret, their expiry, the time.
pub(crate) struct Minting<'a> {
    pub minter: &'a dyn LinkMinter,
    pub expires_at: OffsetDateTime,
    pub now: OffsetDateTime,
}

/// Creates a link for `approver` on `request_id`, queues its email, returns its view.
pub(crate) async fn insert_link(
    tx: &mut Transaction<'static, Any>,
    request_id: Uuid,
    approver: &str,
    (escalation, why): (bool, LinkEmail),
    minting: &Minting<'_>,
) -> Result<LinkView, StoreError> {
    let Minting {
        minter,
        expires_at,
        now,
    } = *minting;
    let link_id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO approval_link (link_id, request_id, approver, token_hash, escalation, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(link_id.to_string())
    .bind(request_id.to_string())
    .bind(approver)
    .bind(minter.token_hash(link_id))
    .bind(i64::from(escalation))
    .bind(ms(now))
    .bind(ms(expires_at))
    .execute(&mut **tx)
    .await?;
    let view = view(tx, "l.link_id = $1", link_id.to_string())
        .await?
        .ok_or_else(|| StoreError::Corrupt("link vanished".into()))?;
    mail_link(tx, &view, why, minter, now).await?;
    Ok(view)
}

/// Queues the email for `link`.
pub(crate) async fn mail_link(
    tx: &mut Transaction<'static, Any>,
    link: &LinkView,
    why: LinkEmail,
    minter: &dyn LinkMinter,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let case = cases::load(tx, link.case_id).await?;
    let email = minter.render(&case, link, why);
    outbox::queue(tx, Some(link.case_id), Some(link.link_id), &email, now).await
}
