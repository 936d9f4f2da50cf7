//! [`Store::open_cases`](crate::Store::open_cases): bulk intake (a CSV import, an HR system
//! catching up) in one transaction, with multi-row inserts, and the same per-ticket meaning as
//! opening the cases one by one.

use crate::audit::{self, Entry};
use crate::{Opened, StoreError, cases, jobs};
use leaver_core::{Case, CaseId, Effect, Ticket};
use serde_json::json;
use sqlx::AnyPool;
use std::collections::HashMap;
use time::OffsetDateTime;

/// Opens a case per ticket unless its external id is taken; one result per ticket, in order.
/// A replay of the same ticket returns the existing case (`created: false`); the same external
/// id with other content is a [`StoreError::Conflict`] for that ticket alone.
pub(crate) async fn open_cases(
    pool: &AnyPool,
    tickets: &[(Ticket, CaseId)],
    actor: &str,
    now: OffsetDateTime,
) -> Result<Vec<Result<Opened, StoreError>>, StoreError> {
    let fresh: Vec<(Case, String)> = tickets
        .iter()
        .map(|(ticket, id)| (Case::open(*id, ticket, now), cases::ticket_hash(ticket)))
        .collect();
    let mut tx = audit::begin_write(pool).await?;
    let rows: Vec<(&Case, &str)> = fresh.iter().map(|(c, h)| (c, h.as_str())).collect();
    let inserted = cases::insert_many(&mut tx, &rows).await?;
    let replays: Vec<&str> = fresh
        .iter()
        .filter(|(case, _)| !inserted.contains(&case.id))
        .map(|(case, _)| case.external_id.as_str())
        .collect();
    let existing = cases::find_by_external_ids(&mut tx, &replays).await?;
    let new_cases: Vec<&(Case, String)> = fresh
        .iter()
        .filter(|(case, _)| inserted.contains(&case.id))
        .collect();
    let plans: Vec<(CaseId, Effect)> = new_cases
        .iter()
        .flat_map(|(case, _)| case.opening_effects().into_iter().map(|e| (case.id, e)))
        .collect();
    jobs::enqueue_many(&mut tx, &plans, now).await?;
    let entries = new_cases
        .iter()
        .zip(tickets.iter().filter(|(_, id)| inserted.contains(id)))
        .map(|((case, _), (ticket, _))| Entry {
            case: Some(case.id),
            kind: "case_opened".into(),
            data: json!({ "ticket": ticket, "state": case.state }),
        })
        .collect();
    audit::append_many(&mut tx, actor, entries, now).await?;
    tx.commit().await?;
    let replayed: Vec<CaseId> = existing.values().map(|(id, _)| *id).collect();
    let mut loaded = cases::load_readable(&mut *pool.acquire().await?, &replayed).await?;
    Ok(fresh
        .into_iter()
        .map(|(case, hash)| {
            if inserted.contains(&case.id) {
                return Ok(Opened {
                    case,
                    created: true,
                });
            }
            replay(&case, &hash, &existing, &mut loaded)
        })
        .collect())
}

/// The answer for a ticket whose external id was already taken.
fn replay(
    case: &Case,
    hash: &str,
    existing: &HashMap<String, (CaseId, String)>,
    loaded: &mut HashMap<CaseId, Case>,
) -> Result<Opened, StoreError> {
    let external_id = case.external_id.to_string();
    let (id, existing_hash) = existing
        .get(&external_id)
        .ok_or_else(|| StoreError::Corrupt(format!("case {external_id} vanished during open")))?;
    if existing_hash != hash {
        return Err(StoreError::Conflict {
            external_id,
            existing: *id,
        });
    }
    let case = loaded
        .get(id)
        .cloned()
        .ok_or(StoreError::CaseNotFound(*id))?;
    Ok(Opened {
        case,
        created: false,
    })
}
