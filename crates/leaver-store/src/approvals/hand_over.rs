//! HR's changes to a case, with the approvals they move: the `ticket_updated` event and, when
//! the manager changed, the old manager's open links handed to the new one (the core's
//! [`CaseApprovals::hand_over`]), the new links' emails queued, all in one transaction.

use crate::approvals::HandOver;
use crate::approvals::rows::{hand_over as mark_handed_over, insert_link, load_for_case};
use crate::audit::{self, Entry};
use crate::cases::transitions;
use crate::mail::outbox::LinkEmail;
use crate::{Actor, SqlStore, StoreError};
use leaver_core::approval::CaseApprovals;
use leaver_core::{CaseId, DomainError, Event, Transition};
use serde_json::json;
use sqlx::{Any, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

impl SqlStore {
    pub(crate) async fn record_ticket_update(
        &self,
        case: CaseId,
        event: Event,
        hand_over: Option<HandOver>,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let mut tx = audit::begin_write(self.writer()).await?;
        let detail = json!({});
        let transition =
            transitions::record(&mut tx, case, vec![event], actor, &detail, now).await?;
        if let Some(hand_over) = hand_over {
            let entry = give(&mut tx, case, &hand_over, now).await?;
            audit::append_many(&mut tx, actor.as_str(), vec![entry], now).await?;
        }
        tx.commit().await?;
        Ok(transition)
    }
}

/// Hands `hand_over.from`'s open links on `case` to `hand_over.to`; returns the audit entry.
async fn give(
    tx: &mut Transaction<'static, Any>,
    case: CaseId,
    hand_over: &HandOver,
    now: OffsetDateTime,
) -> Result<Entry, StoreError> {
    let mut approvals: CaseApprovals = load_for_case(tx, case).await?;
    let mut fresh = hand_over.fresh.iter();
    let mut hashes = Vec::new();
    let mut short = false;
    let handed = approvals.hand_over(
        (hand_over.from.as_str(), hand_over.to.as_str()),
        || match fresh.next() {
            Some(minted) => {
                hashes.push(minted.token_hash.clone());
                minted.id
            }
            None => {
                short = true;
                Uuid::nil()
            }
        },
        now,
        hand_over.expires_at,
    );
    if short {
        // More links were opened since the caller counted them: nothing is written.
        return Err(DomainError::StaleChange {
            field: "manager_email",
        }
        .into());
    }
    for ((request_id, old, link), hash) in handed.iter().zip(&hashes) {
        let request = approvals
            .requests
            .iter()
            .find(|r| r.id == *request_id)
            .ok_or_else(|| StoreError::Corrupt("a handed-over link lost its request".into()))?;
        mark_handed_over(tx, *old, hand_over.to.as_str(), now).await?;
        insert_link(tx, (request, link), hash, LinkEmail::Request).await?;
    }
    Ok(Entry {
        case: Some(case),
        kind: "approvals_handed_over".into(),
        data: json!({
            "from": hand_over.from,
            "to": hand_over.to,
            "replaced_links": handed.iter().map(|(_, old, _)| *old).collect::<Vec<_>>(),
            "links": handed.iter().map(|(_, _, new)| new.id).collect::<Vec<_>>(),
        }),
    })
}
