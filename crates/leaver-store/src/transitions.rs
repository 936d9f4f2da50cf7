//! Applying events to a stored case inside a caller's transaction: load, `leaver_core::apply`
//! each event, save what changed, enqueue the effects' jobs, append one audit record per event.
//! Every path that changes a case (a job's outcome, an operator's action, an approver's
//! decision) goes through here, so the outbox and the audit chain cannot be skipped.

use crate::{Actor, StoreError, audit, cases, jobs};
use leaver_core::{CaseId, Event, Transition, apply};
use serde_json::{Value, json};
use sqlx::{Any, Transaction};
use time::OffsetDateTime;

/// Applies `events` in order; an illegal one fails the whole call (the caller rolls back).
pub(crate) async fn apply_events(
    tx: &mut Transaction<'static, Any>,
    case: CaseId,
    events: Vec<Event>,
    actor: &Actor,
    detail: &Value,
    now: OffsetDateTime,
) -> Result<Transition, StoreError> {
    let before = cases::load(tx, case).await?;
    let mut current = Transition {
        case: before.clone(),
        effects: Vec::new(),
    };
    let mut records = Vec::with_capacity(events.len());
    for event in events {
        let kind = event.name();
        let event_json =
            serde_json::to_value(&event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let next = apply(&current.case, event, now)?;
        records.push((
            kind,
            json!({ "event": event_json, "state": next.case.state, "detail": detail }),
        ));
        current.case = next.case;
        current.effects.extend(next.effects);
    }
    cases::save(tx, &before, &current.case).await?;
    jobs::enqueue(tx, case, &current.effects, now).await?;
    for (kind, data) in records {
        audit::append(tx, Some(case), actor.as_str(), kind, data, now).await?;
    }
    Ok(current)
}
