//! Reading the database around the app: audit kinds, row counts, and a scan of every column of
//! every table for a string (link secrets must never be stored in clear).

use super::TestApp;
use leaver_core::approval::RequestState;
use leaver_core::{CaseId, CaseState, StepState};
use leaver_store::approvals::ApprovalStore;
use leaver_store::{Dialect, Store};
use sqlx::Row;

impl TestApp {
    /// Rows in `table` matching `condition` (SQL written by the test).
    pub async fn count_where(&self, table: &str, condition: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE {condition}"
        ));
        let row = sqlx::query(sql)
            .fetch_one(self.store.pool())
            .await
            .expect("count");
        row.try_get("n").expect("n")
    }

    /// The kinds of the case's audit records, oldest first.
    pub async fn audit_kinds(&self, case: CaseId) -> Vec<String> {
        let records = self.store.audit_events(Some(case)).await.expect("audit");
        records.into_iter().map(|r| r.kind).collect()
    }

    /// How many audit records of `kind` the case has.
    pub async fn audited(&self, case: CaseId, kind: &str) -> usize {
        self.audit_kinds(case)
            .await
            .iter()
            .filter(|k| *k == kind)
            .count()
    }

    /// Nothing was decided on the case: it still awaits approval, no link is used, no request
    /// settled, no step covered by a request moved, and no decision was audited.
    pub async fn assert_nothing_decided(&self, case: CaseId) {
        let backend = self.backend;
        let current = self.case(case).await;
        assert_eq!(current.state, CaseState::AwaitingApproval, "{backend:?}");
        assert_eq!(
            self.audited(case, "approval_decided").await,
            0,
            "{backend:?}"
        );
        let links = self.store.links_of(case).await.expect("links");
        assert!(!links.is_empty(), "{backend:?}: the case has links");
        for link in &links {
            assert_eq!(
                (link.decided_at, link.decision),
                (None, None),
                "{backend:?}: {link:?}"
            );
            assert_eq!(link.request_state, RequestState::Open, "{backend:?}");
            for step in &link.steps {
                let state = current.step(*step).expect("step").state;
                assert_eq!(state, StepState::AwaitingApproval, "{backend:?}");
            }
        }
    }

    /// Every table and column (cast to text) that contains `needle`, as `table.column`.
    pub async fn columns_containing(&self, needles: &[String]) -> Vec<String> {
        let pool = self.store.pool();
        let tables_sql = match self.backend {
            Dialect::Sqlite => {
                "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            Dialect::Postgres => {
                "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = current_schema()"
            }
        };
        let tables: Vec<String> = sqlx::query(tables_sql)
            .fetch_all(pool)
            .await
            .expect("tables")
            .iter()
            .map(|r| r.try_get("t").expect("name"))
            .filter(|t: &String| t != "_sqlx_migrations")
            .collect();
        assert!(tables.iter().any(|t| t == "approval_link"), "{tables:?}");
        let mut found = Vec::new();
        for table in tables {
            let columns = self.columns(&table).await;
            let select: Vec<String> = columns
                .iter()
                .map(|c| format!("CAST(\"{c}\" AS TEXT)"))
                .collect();
            let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM \"{table}\"", select.join(", ")));
            for row in sqlx::query(sql).fetch_all(pool).await.expect("rows") {
                for (i, column) in columns.iter().enumerate() {
                    let value: Option<String> = row.try_get(i).unwrap_or_default();
                    let hit = value.is_some_and(|v| needles.iter().any(|n| v.contains(n.as_str())));
                    let name = format!("{table}.{column}");
                    if hit && !found.contains(&name) {
                        found.push(name);
                    }
                }
            }
        }
        found
    }

    async fn columns(&self, table: &str) -> Vec<String> {
        let sql = match self.backend {
            Dialect::Sqlite => "SELECT name AS c FROM pragma_table_info($1)",
            Dialect::Postgres => {
                "SELECT column_name::text AS c FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
            }
        };
        let rows = sqlx::query(sql)
            .bind(table.to_owned())
            .fetch_all(self.store.pool())
            .await
            .expect("columns");
        rows.iter()
            .map(|r| r.try_get("c").expect("column"))
            .collect()
    }
}
