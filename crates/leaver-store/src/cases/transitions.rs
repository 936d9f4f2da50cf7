//! Recording events on one stored case inside a caller's transaction: load, apply them with
//! [`apply_events`] (the core decides), save what changed, enqueue the effects' jobs, append one
//! audit record per event. Batches do the same for many cases at once ([`crate::cases::record_batch`]),
//! so every change to a case goes through the core, the outbox and the audit chain.

use crate::cases::record_batch::apply_events;
use crate::{Actor, StoreError, approvals, audit, cases, jobs};
use leaver_core::{CaseId, Event, Transition};
use serde_json::Value;
use sqlx::{Any, Transaction};
use time::OffsetDateTime;

/// Applies `events` in order; an illegal one fails the whole call (the caller rolls back).
pub(crate) async fn record(
    tx: &mut Transaction<'static, Any>,
    case: CaseId,
    events: Vec<Event>,
    actor: &Actor,
    detail: &Value,
    now: OffsetDateTime,
) -> Result<Transition, StoreError> {
    let before = cases::load(tx, case).await?;
    let (transition, entries) = apply_events(&before, events, detail, now)?;
    cases::save(tx, &before, &transition.case).await?;
    approvals::withdraw::asked_again(tx, case, &transition.effects).await?;
    jobs::enqueue(tx, case, &transition.effects, now).await?;
    audit::append_many(tx, actor.as_str(), entries, now).await?;
    Ok(transition)
}
