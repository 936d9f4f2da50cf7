//! [`Store::record_batch`](crate::Store::record_batch): many jobs' outcomes in one transaction.
//!
//! A database commits only so many transactions a second (SQLite a few thousand), so the engine
//! writes everything a claimed batch of jobs came to at once. Each item still stands alone: an
//! illegal event or a lost lease skips that item, writes nothing of it, and the others commit.
//! The whole batch is worked out in memory first; then the leases are finished with one
//! statement, and the cases, jobs and audit records are written with a few multi-row ones.

use crate::approvals::NewRequest;
use crate::audit::{self, Entry};
use crate::footprint_reads::{self, FootprintPass, FootprintRead};
use crate::{HeldToken, Lease, StoreError, approvals, cases, held_tokens, jobs};
use leaver_core::{Case, CaseId, Effect, Event, Transition, apply};
use serde_json::{Value, json};
use sqlx::AnyPool;
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

/// One entry of a batch: what to write for one case, usually what one claimed job came to.
#[derive(Clone, Debug)]
pub struct BatchItem {
    pub case: CaseId,
    /// The job this entry finishes. If its lease was lost, the entry is skipped.
    pub lease: Option<Lease>,
    pub write: BatchWrite,
}

/// What an entry writes.
#[derive(Clone, Debug)]
pub enum BatchWrite {
    /// Applies the events in order, as [`Store::record`](crate::Store::record) does: the new
    /// state, the jobs the effects call for, and one audit record per event carrying `detail`.
    Events { events: Vec<Event>, detail: Value },
    /// One audit record that is not a transition (an approval asked for, an operator notified),
    /// as [`Store::append_audit`](crate::Store::append_audit) does.
    Note { kind: String, data: Value },
    /// What a `flag_tokens` run made of the case's held tokens: the verdicts of the
    /// [`Settled`](crate::held_tokens::HeldState::Settled) ones are kept and their seals erased,
    /// with one audit record per kind of verdict. A token settled already keeps its first one.
    TokenVerdicts { tokens: Vec<HeldToken> },
    /// Opens approval requests on the case, each link's email queued, as one audit record
    /// (see [`crate::approvals::ask`]).
    AskApprovers { requests: Vec<NewRequest> },
    /// The pass a case's evidence names and its whole-org reads, each kept once (see
    /// [`crate::footprint_reads`]).
    FootprintPass {
        pass: FootprintPass,
        reads: Vec<FootprintRead>,
    },
}

/// Applies `events` in order to `case`: the transition, and for each event the kind and data of
/// its audit record (the event, the state it led to and `detail`).
pub(crate) fn apply_events(
    case: &Case,
    events: Vec<Event>,
    detail: &Value,
    now: OffsetDateTime,
) -> Result<(Transition, Vec<Entry>), StoreError> {
    let mut current = Transition {
        case: case.clone(),
        effects: Vec::new(),
    };
    let mut entries = Vec::with_capacity(events.len());
    for event in events {
        let kind = event.name();
        let event_json =
            serde_json::to_value(&event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let next = apply(&current.case, event, now)?;
        entries.push(Entry {
            case: Some(case.id),
            kind: kind.to_owned(),
            data: json!({ "event": event_json, "state": next.case.state, "detail": detail }),
        });
        // The trail says the operators are told; they are, by email (see `operator_notices`).
        entries.extend(next.effects.iter().filter_map(|effect| match effect {
            Effect::NotifyOperator { reason } => Some(Entry {
                case: Some(case.id),
                kind: "operator_notified".into(),
                data: json!({ "reason": reason }),
            }),
            _ => None,
        }));
        current.case = next.case;
        current.effects.extend(next.effects);
    }
    Ok((current, entries))
}

/// A batch worked out in memory, before anything is written.
#[derive(Default)]
struct Applied {
    results: Vec<Result<(), StoreError>>,
    /// The cases the batch changes, as they end up.
    after: HashMap<CaseId, Case>,
    effects: Vec<(CaseId, Effect)>,
    entries: Vec<Entry>,
    /// Held tokens' verdicts to keep, by case.
    verdicts: Vec<(CaseId, Vec<HeldToken>)>,
    /// Whole-org reads and the passes naming them, to keep.
    reads: Vec<FootprintRead>,
    passes: Vec<FootprintPass>,
    /// Approval requests to open, by case.
    asks: Vec<(CaseId, Vec<NewRequest>)>,
    /// The leases of the items that apply, to finish.
    leases: Vec<(usize, Lease)>,
}

/// Works out every item in order against `before` (items on one case see the earlier ones).
/// Items in `lost` had their lease lost and are skipped.
fn apply_items(
    before: &HashMap<CaseId, Case>,
    items: &[BatchItem],
    lost: &HashSet<usize>,
    now: OffsetDateTime,
) -> Applied {
    let mut applied = Applied::default();
    for (index, item) in items.iter().enumerate() {
        let result = match &item.lease {
            Some(lease) if lost.contains(&index) => Err(StoreError::LeaseLost(lease.id)),
            _ => apply_item(&mut applied, before, item, now),
        };
        if let (Ok(()), Some(lease)) = (&result, &item.lease) {
            applied.leases.push((index, lease.clone()));
        }
        applied.results.push(result);
    }
    applied
}

fn apply_item(
    applied: &mut Applied,
    before: &HashMap<CaseId, Case>,
    item: &BatchItem,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    match &item.write {
        BatchWrite::Events { events, detail } => {
            let case = applied
                .after
                .get(&item.case)
                .or_else(|| before.get(&item.case))
                .ok_or(StoreError::CaseNotFound(item.case))?;
            let (transition, entries) = apply_events(case, events.clone(), detail, now)?;
            let effects = transition.effects.into_iter().map(|e| (item.case, e));
            applied.effects.extend(effects);
            applied.entries.extend(entries);
            applied.after.insert(item.case, transition.case);
        }
        BatchWrite::Note { kind, data } => applied.entries.push(Entry {
            case: Some(item.case),
            kind: kind.clone(),
            data: data.clone(),
        }),
        BatchWrite::TokenVerdicts { tokens } => {
            applied.verdicts.push((item.case, tokens.clone()));
        }
        BatchWrite::AskApprovers { requests } => {
            applied.asks.push((item.case, requests.clone()));
        }
        BatchWrite::FootprintPass { pass, reads } => {
            applied.passes.push(pass.clone());
            applied.reads.extend(reads.iter().cloned());
        }
    }
    Ok(())
}

/// Writes the batch in one transaction; one result per item, in order.
///
/// If finishing the leases shows one lost that the batch counted on, the transaction is rolled
/// back and the batch worked out again without it, since later items on the same case may
/// have depended on it. Lost leases are rare (a worker outlived its lease), so this costs little.
pub(crate) async fn record_batch(
    pool: &AnyPool,
    items: &[BatchItem],
    actor: &str,
    now: OffsetDateTime,
) -> Result<Vec<Result<(), StoreError>>, StoreError> {
    let ids: Vec<CaseId> = {
        let mut seen = HashSet::new();
        items
            .iter()
            .filter(|i| matches!(i.write, BatchWrite::Events { .. }) && seen.insert(i.case))
            .map(|i| i.case)
            .collect()
    };
    let mut lost = HashSet::new();
    loop {
        let mut tx = audit::begin_write(pool).await?;
        let before = cases::load_readable(&mut tx, &ids).await?;
        let applied = apply_items(&before, items, &lost, now);
        let leases: Vec<&Lease> = applied.leases.iter().map(|(_, lease)| lease).collect();
        let finished = jobs::finish_many(&mut tx, &leases).await?;
        let newly_lost: Vec<usize> = applied
            .leases
            .iter()
            .filter(|(_, lease)| !finished.contains(&lease.id))
            .map(|(index, _)| *index)
            .collect();
        if !newly_lost.is_empty() {
            tx.rollback().await?;
            lost.extend(newly_lost);
            continue;
        }
        let changes: Vec<(&Case, &Case)> = applied
            .after
            .iter()
            .filter_map(|(id, after)| Some((before.get(id)?, after)))
            .collect();
        cases::save_many(&mut tx, &changes).await?;
        jobs::enqueue_many(&mut tx, &applied.effects, now).await?;
        let mut entries = Vec::with_capacity(applied.entries.len());
        footprint_reads::keep(&mut tx, &applied.reads).await?;
        footprint_reads::keep_passes(&mut tx, &applied.passes).await?;
        for (case, tokens) in &applied.verdicts {
            entries.extend(held_tokens::keep_verdicts(&mut tx, *case, tokens, now).await?);
        }
        for (case, requests) in &applied.asks {
            entries.extend(approvals::ask::ask(&mut tx, *case, requests, now).await?);
        }
        entries.extend(applied.entries);
        audit::append_many(&mut tx, actor, entries, now).await?;
        tx.commit().await?;
        return Ok(applied.results);
    }
}
