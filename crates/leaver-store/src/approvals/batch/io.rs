//! The batch's reads and writes: four statements to load it, a few multi-row ones to write it.

use super::{Batch, DecisionIn};
use crate::approvals::rows::{enum_text, load_for_hashes};
use crate::cases::rows::ms;
use crate::write_path::multi_row::Marks;
use crate::{StoreError, audit, cases, jobs};
use leaver_core::{Case, CaseId};
use sqlx::{Any, AssertSqlSafe, Transaction};

impl Batch {
    /// The cases owning the items' links, with every approval request and link of theirs.
    pub(super) async fn load(
        tx: &mut Transaction<'static, Any>,
        items: &[DecisionIn],
    ) -> Result<Batch, StoreError> {
        let hashes: Vec<String> = items.iter().map(|i| i.token_hash.clone()).collect();
        let loaded = load_for_hashes(tx, &hashes).await?;
        let ids: Vec<CaseId> = loaded.cases.keys().copied().collect();
        let before = cases::load_readable(tx, &ids).await?;
        Ok(Batch {
            by_hash: loaded.by_hash,
            approvals: loaded.cases,
            cases: before.clone(),
            before,
            ..Batch::default()
        })
    }

    /// Writes what the batch changed.
    pub(super) async fn write(self, tx: &mut Transaction<'static, Any>) -> Result<(), StoreError> {
        let marks = Marks::of(tx);
        if !self.decided.is_empty() {
            let sql = format!(
                "UPDATE approval_link SET decided_at = v.column2, decision = v.column3, reason = v.column4,
                     ip = v.column5, user_agent = v.column6, rejected_steps = v.column7
                 FROM (VALUES {}) AS v WHERE approval_link.link_id = v.column1 AND approval_link.decided_at IS NULL",
                marks.values(self.decided.len(), 7)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (case, id, origin) in &self.decided {
                let link = self
                    .approvals
                    .get(case)
                    .and_then(|a| a.request_of(*id))
                    .and_then(|r| r.link(*id))
                    .ok_or_else(|| StoreError::Corrupt("link vanished".into()))?;
                query = query
                    .bind(id.to_string())
                    .bind(link.decided_at.map(ms))
                    .bind(link.decision.as_ref().map(enum_text))
                    .bind(link.reason.clone())
                    .bind(origin.ip.clone())
                    .bind(origin.user_agent.clone())
                    .bind(kept_json(&link.rejected_steps)?);
            }
            query.execute(&mut **tx).await?;
        }
        if !self.settled.is_empty() {
            let sql = format!(
                "UPDATE approval_request SET state = v.column2, decided_at = v.column3
                 FROM (VALUES {}) AS v WHERE approval_request.request_id = v.column1",
                marks.values(self.settled.len(), 3)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (id, state, at) in &self.settled {
                query = query
                    .bind(id.to_string())
                    .bind(state.as_str())
                    .bind(ms(*at));
            }
            query.execute(&mut **tx).await?;
        }
        let changes: Vec<(&Case, &Case)> = self
            .changed
            .iter()
            .filter_map(|id| Some((self.before.get(id)?, self.cases.get(id)?)))
            .collect();
        cases::save_many(tx, &changes).await?;
        if let Some(now) = self.latest {
            jobs::enqueue_many(tx, &self.effects, now).await?;
        }
        audit::append_each(tx, self.entries).await?;
        Ok(())
    }
}

/// The steps a link kept, as stored: a JSON list, or NULL for a decision about the whole request.
fn kept_json(steps: &[leaver_core::StepId]) -> Result<Option<String>, StoreError> {
    if steps.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(steps)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}
