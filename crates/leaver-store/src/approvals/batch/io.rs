//! The batch's reads and writes: four statements to load it, a few multi-row ones to write it.

use super::{Batch, Request};
use crate::approvals::batch::DecisionIn;
use crate::approvals::rows::{LINK_VIEW, enum_text, view_from_row};
use crate::multi_row::Marks;
use crate::rows::ms;
use crate::{StoreError, audit, cases, jobs};
use leaver_core::{Case, CaseId};
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use std::collections::HashSet;

impl Batch {
    /// Every link of the requests the items' links belong to, every request and the case of
    /// the cases concerned.
    pub(super) async fn load(
        tx: &mut Transaction<'static, Any>,
        items: &[DecisionIn],
    ) -> Result<Batch, StoreError> {
        let mut batch = Batch::default();
        let marks = Marks::of(tx);
        let sql = format!(
            "{LINK_VIEW} WHERE l.request_id IN (SELECT request_id FROM approval_link WHERE token_hash IN ({}))",
            marks.list(items.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for item in items {
            query = query.bind(item.token_hash.clone());
        }
        for row in query.fetch_all(&mut **tx).await? {
            let link = view_from_row(&row)?;
            batch
                .by_hash
                .insert(row.try_get("token_hash")?, link.link_id);
            batch.links.insert(link.link_id, link);
        }
        let ids: Vec<CaseId> = batch
            .links
            .values()
            .map(|l| l.case_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if ids.is_empty() {
            return Ok(batch);
        }
        let sql = format!(
            "SELECT request_id, case_id, steps, state FROM approval_request WHERE case_id IN ({})",
            marks.list(ids.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in &ids {
            query = query.bind(id.to_string());
        }
        for row in query.fetch_all(&mut **tx).await? {
            let (id, case, steps): (String, String, String) = (
                row.try_get("request_id")?,
                row.try_get("case_id")?,
                row.try_get("steps")?,
            );
            let corrupt =
                |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("approval_request: {e}"));
            let request = Request {
                case: CaseId(case.parse().map_err(|e| corrupt(&e))?),
                steps: serde_json::from_str(&steps).map_err(|e| corrupt(&e))?,
                state: row.try_get("state")?,
            };
            batch
                .requests
                .insert(id.parse().map_err(|e| corrupt(&e))?, request);
        }
        batch.before = cases::load_readable(tx, &ids).await?;
        batch.cases = batch.before.clone();
        Ok(batch)
    }

    /// Writes what the batch changed.
    pub(super) async fn write(self, tx: &mut Transaction<'static, Any>) -> Result<(), StoreError> {
        let marks = Marks::of(tx);
        if !self.decided.is_empty() {
            let sql = format!(
                "UPDATE approval_link SET decided_at = v.column2, decision = v.column3, reason = v.column4,
                     ip = v.column5, user_agent = v.column6
                 FROM (VALUES {}) AS v WHERE approval_link.link_id = v.column1 AND approval_link.decided_at IS NULL",
                marks.values(self.decided.len(), 6)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (id, origin) in &self.decided {
                let link = self
                    .links
                    .get(id)
                    .ok_or_else(|| StoreError::Corrupt("link vanished".into()))?;
                query = query
                    .bind(id.to_string())
                    .bind(link.decided_at.map(ms))
                    .bind(link.decision.as_ref().map(enum_text))
                    .bind(link.reason.clone())
                    .bind(origin.ip.clone())
                    .bind(origin.user_agent.clone());
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
                query = query.bind(id.to_string()).bind(*state).bind(ms(*at));
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
