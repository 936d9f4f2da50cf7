//! Approval rows: links as pages show them ([`LinkView`]), a case's requests as the aggregate
//! the core decides on ([`CaseApprovals`]), link inserts, enum columns.

use crate::StoreError;
use crate::approvals::LinkView;
use crate::cases::rows::{from_ms, ms};
use crate::mail::outbox::{self, LinkEmail};
use crate::write_path::multi_row::Marks;
use leaver_core::approval::{CaseApprovals, Decision, Link, Mode, Request};
use leaver_core::{CaseId, CaseState};
use serde::de::DeserializeOwned;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Row, Transaction};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// The link, its request and its case's state, joined.
pub(crate) const LINK_VIEW: &str = "SELECT l.link_id, l.token_hash, l.request_id, r.case_id, r.rule, r.mode, r.steps, r.withdrawn, r.state AS request_state,
        c.state AS case_state, l.approver, l.escalation, l.created_at, l.expires_at, l.superseded_at,
        l.moved_to, l.decided_at, l.decision, l.reason, l.rejected_steps
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

/// The columns of a link, as `l`.
const LINK_COLUMNS: &str = "l.link_id, l.approver, l.escalation, l.created_at, l.expires_at,
     l.superseded_at, l.moved_to, l.decided_at, l.decision, l.reason, l.rejected_steps";

fn link_from_row(row: &AnyRow) -> Result<Link, StoreError> {
    let decision: Option<String> = row.try_get("decision")?;
    let escalation: i64 = row.try_get("escalation")?;
    Ok(Link {
        id: uuid(row, "link_id")?,
        approver: row.try_get("approver")?,
        escalation: escalation != 0,
        created_at: from_ms(row.try_get("created_at")?)?,
        expires_at: from_ms(row.try_get("expires_at")?)?,
        superseded_at: time_opt(row, "superseded_at")?,
        moved_to: row.try_get("moved_to")?,
        decided_at: time_opt(row, "decided_at")?,
        decision: decision.map(|d| parse_enum::<Decision>(&d)).transpose()?,
        reason: row.try_get("reason")?,
        rejected_steps: match row.try_get::<Option<String>, _>("rejected_steps")? {
            Some(raw) => serde_json::from_str(&raw)
                .map_err(|e| StoreError::Corrupt(format!("rejected_steps: {e}")))?,
            None => Vec::new(),
        },
    })
}

/// A request without its links, from `request_id, case_id, rule, mode, steps` and `state` (or
/// `request_state`, as [`LINK_VIEW`] names it).
pub(crate) fn request_from_row(row: &AnyRow, state_column: &str) -> Result<Request, StoreError> {
    let steps: String = row.try_get("steps")?;
    let mode: String = row.try_get("mode")?;
    let state: String = row.try_get(state_column)?;
    Ok(Request {
        id: uuid(row, "request_id")?,
        case: CaseId(uuid(row, "case_id")?),
        rule: row.try_get("rule")?,
        mode: parse_enum::<Mode>(&mode)?,
        steps: serde_json::from_str(&steps)
            .map_err(|e| StoreError::Corrupt(format!("steps: {e}")))?,
        withdrawn: match row.try_get::<Option<String>, _>("withdrawn")? {
            Some(raw) => serde_json::from_str(&raw)
                .map_err(|e| StoreError::Corrupt(format!("withdrawn: {e}")))?,
            None => Vec::new(),
        },
        state: state.parse().map_err(StoreError::Corrupt)?,
        links: Vec::new(),
    })
}

pub(crate) fn view_from_row(row: &AnyRow) -> Result<LinkView, StoreError> {
    let case_state: String = row.try_get("case_state")?;
    Ok(LinkView::of(
        &request_from_row(row, "request_state")?,
        &link_from_row(row)?,
        case_state.parse().map_err(StoreError::Corrupt)?,
    ))
}

/// Every approval request, with its links, of the cases owning a link whose secret hashes to one
/// of `hashes`; and, for each of those hashes, its link's case and id. Two statements.
pub(crate) async fn load_for_hashes(
    conn: &mut AnyConnection,
    hashes: &[String],
) -> Result<Loaded, StoreError> {
    if hashes.is_empty() {
        return Ok(Loaded::default());
    }
    let cases = format!(
        "SELECT hr.case_id FROM approval_link hl JOIN approval_request hr ON hr.request_id = hl.request_id
         WHERE hl.token_hash IN ({})",
        Marks::of(conn).list(hashes.len())
    );
    load_for_cases(conn, &cases, hashes).await
}

/// Every approval request of one case, with its links.
pub(crate) async fn load_for_case(
    conn: &mut AnyConnection,
    case: CaseId,
) -> Result<CaseApprovals, StoreError> {
    let mut loaded = load_for_cases(conn, "$1", &[case.to_string()]).await?;
    Ok(loaded.cases.remove(&case).unwrap_or_default())
}

/// Every approval request, with its links, of the cases `cases` (SQL naming case ids, with
/// `binds` for its marks) selects.
async fn load_for_cases(
    conn: &mut AnyConnection,
    cases: &str,
    binds: &[String],
) -> Result<Loaded, StoreError> {
    let mut loaded = Loaded::default();
    let sql = format!(
        "SELECT request_id, case_id, rule, mode, steps, withdrawn, state FROM approval_request
         WHERE case_id IN ({cases}) ORDER BY created_at, request_id"
    );
    let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), binds)
        .fetch_all(&mut *conn)
        .await?;
    let mut requests: Vec<Request> = rows
        .iter()
        .map(|row| request_from_row(row, "state"))
        .collect::<Result<_, _>>()?;
    let index: HashMap<Uuid, usize> = requests
        .iter()
        .enumerate()
        .map(|(n, r)| (r.id, n))
        .collect();
    let sql = format!(
        "SELECT {LINK_COLUMNS}, l.request_id, l.token_hash FROM approval_link l
         JOIN approval_request r ON r.request_id = l.request_id
         WHERE r.case_id IN ({cases}) ORDER BY l.created_at, l.link_id"
    );
    for row in bind_all(sqlx::query(AssertSqlSafe(sql)), binds)
        .fetch_all(&mut *conn)
        .await?
    {
        let link = link_from_row(&row)?;
        let request = index
            .get(&uuid(&row, "request_id")?)
            .and_then(|n| requests.get_mut(*n))
            .ok_or_else(|| StoreError::Corrupt("a link without its request".into()))?;
        loaded
            .by_hash
            .insert(row.try_get("token_hash")?, (request.case, link.id));
        request.links.push(link);
    }
    for request in requests {
        let case = loaded.cases.entry(request.case).or_default();
        case.requests.push(request);
    }
    Ok(loaded)
}

/// What [`load_for_hashes`] read.
#[derive(Default)]
pub(crate) struct Loaded {
    /// Each case's approval requests.
    pub cases: HashMap<CaseId, CaseApprovals>,
    /// The case and link each hash names.
    pub by_hash: HashMap<String, (CaseId, Uuid)>,
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    values: &[String],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    for value in values {
        query = query.bind(value.clone());
    }
    query
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

/// The request (with every link of its) that the link whose secret hashes to `token_hash`
/// belongs to, that link's id, and its case's state.
pub(crate) async fn request_of(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<(Request, Uuid, CaseState)>, StoreError> {
    let Some(found) = view(conn, "l.token_hash = $1", token_hash.to_owned()).await? else {
        return Ok(None);
    };
    let sql = format!(
        "SELECT {LINK_COLUMNS} FROM approval_link l WHERE l.request_id = $1 ORDER BY l.created_at, l.link_id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(found.request_id.to_string())
        .fetch_all(conn)
        .await?;
    let request = Request {
        id: found.request_id,
        case: found.case_id,
        rule: found.rule,
        mode: found.mode,
        steps: found.steps,
        withdrawn: Vec::new(),
        state: found.request_state,
        links: rows.iter().map(link_from_row).collect::<Result<_, _>>()?,
    };
    Ok(Some((request, found.link_id, found.case_state)))
}

/// Inserts `request` (without links).
pub(crate) async fn insert_request(
    tx: &mut Transaction<'static, Any>,
    request: &Request,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO approval_request (request_id, case_id, rule, mode, steps, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(request.id.to_string())
    .bind(request.case.to_string())
    .bind(request.rule.clone())
    .bind(enum_text(&request.mode))
    .bind(serde_json::to_string(&request.steps).map_err(|e| StoreError::Corrupt(e.to_string()))?)
    .bind(request.state.as_str())
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Inserts `link` on `request` under its secret's hash, and queues its `why` email.
pub(crate) async fn insert_link(
    tx: &mut Transaction<'static, Any>,
    (request, link): (&Request, &Link),
    token_hash: &str,
    why: LinkEmail,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO approval_link (link_id, request_id, approver, token_hash, escalation, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(link.id.to_string())
    .bind(request.id.to_string())
    .bind(link.approver.clone())
    .bind(token_hash)
    .bind(i64::from(link.escalation))
    .bind(ms(link.created_at))
    .bind(ms(link.expires_at))
    .execute(&mut **tx)
    .await?;
    let what = (request.case, link.id);
    outbox::queue(tx, what, &link.approver, why, link.created_at).await
}

/// Records which steps each of `requests` no longer decides.
pub(crate) async fn save_withdrawn(
    tx: &mut Transaction<'static, Any>,
    requests: &[&Request],
) -> Result<(), StoreError> {
    for request in requests {
        let withdrawn = serde_json::to_string(&request.withdrawn)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query("UPDATE approval_request SET withdrawn = $1 WHERE request_id = $2")
            .bind(withdrawn)
            .bind(request.id.to_string())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Marks link `id` handed over to `to` at `now` (replaced, saying by whom).
pub(crate) async fn hand_over(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
    to: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE approval_link SET superseded_at = $1, moved_to = $2 WHERE link_id = $3")
        .bind(ms(now))
        .bind(to)
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks link `id` replaced at `now`.
pub(crate) async fn supersede(
    tx: &mut Transaction<'static, Any>,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE approval_link SET superseded_at = $1 WHERE link_id = $2")
        .bind(ms(now))
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
