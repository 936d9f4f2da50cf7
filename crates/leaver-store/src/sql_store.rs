//! [`Store`] on SQLite or Postgres through one set of queries (`$n` placeholders work on both);
//! the differences live in [`Dialect`] and in the two migration folders. SQL text is only ever
//! assembled from constants (column lists, placeholders, dialect clauses); values are bound.

use crate::BatchItem;
use crate::cases::{open_batch, record_batch, transitions};
use crate::write_path::checkpoint::Checkpointer;
use crate::write_path::group_commit::DecisionQueue;
use crate::{
    Actor, AuditReport, CaseFilter, Dialect, Job, Lease, Opened, Store, StoreError, audit, cases,
    jobs,
};
use async_trait::async_trait;
use leaver_core::audit::AuditRecord;
use leaver_core::{Case, CaseId, Event, Ticket, Transition};
use serde_json::{Value, json};
use sqlx::AnyPool;
use sqlx::migrate::Migrator;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// The SQL store.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pool: AnyPool,
    /// Where writes go. On SQLite, one connection: SQLite has one writer at a time anyway, and
    /// writers queued here take turns in order, where several connections would collide and
    /// sleep in SQLite's busy handler (1, 2, 5 ... 100 ms naps). On Postgres, `pool` itself.
    writer: AnyPool,
    /// Approval decisions waiting to be written together (see [`crate::write_path::group_commit`]).
    decisions: Arc<DecisionQueue>,
    dialect: Dialect,
    /// SQLite files only: copies the write-ahead log back off the write path.
    checkpointer: Option<Arc<Checkpointer>>,
}

impl SqlStore {
    pub(crate) fn new(pool: AnyPool, dialect: Dialect) -> SqlStore {
        SqlStore::with_writer(pool.clone(), pool, dialect)
    }

    /// A store that reads through `pool` and writes through `writer`.
    pub(crate) fn with_writer(pool: AnyPool, writer: AnyPool, dialect: Dialect) -> SqlStore {
        SqlStore {
            pool,
            writer,
            decisions: Arc::default(),
            dialect,
            checkpointer: None,
        }
    }

    /// The store, with its log checkpointed by a task of its own (see [`Checkpointer`]).
    pub(crate) fn with_checkpointer(mut self) -> SqlStore {
        self.checkpointer = Some(Arc::new(Checkpointer::start(self.pool.clone())));
        self
    }

    /// The pool writes go through (see [`SqlStore`]).
    pub(crate) fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// The queue approval decisions are written through.
    pub(crate) fn decisions(&self) -> &Arc<DecisionQueue> {
        &self.decisions
    }

    /// The connection pool, for tests that must reach around the store (to tamper with rows).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

#[async_trait]
impl Store for SqlStore {
    fn dialect(&self) -> Dialect {
        self.dialect
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.dialect {
            Dialect::Sqlite => &SQLITE_MIGRATIONS,
            Dialect::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.writer).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn open_case(
        &self,
        ticket: &Ticket,
        id: CaseId,
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Opened, StoreError> {
        let hash = cases::ticket_hash(ticket);
        let case = Case::open(id, ticket, now);
        let mut tx = audit::begin_write(&self.writer).await?;
        if !cases::insert(&mut tx, &case, &hash).await? {
            let (existing, existing_hash) =
                cases::find_by_external_id(&mut tx, ticket.external_id.as_str())
                    .await?
                    .ok_or_else(|| StoreError::Corrupt("case vanished during open".into()))?;
            tx.rollback().await?;
            if existing_hash != hash {
                return Err(StoreError::Conflict {
                    external_id: ticket.external_id.to_string(),
                    existing,
                });
            }
            return Ok(Opened {
                case: self.case(existing).await?,
                created: false,
            });
        }
        jobs::enqueue(&mut tx, case.id, &case.opening_effects(), now).await?;
        let data = json!({ "ticket": ticket, "state": case.state });
        audit::append(
            &mut tx,
            Some(case.id),
            actor.as_str(),
            "case_opened",
            data,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Opened {
            case,
            created: true,
        })
    }

    async fn open_cases(
        &self,
        tickets: &[(Ticket, CaseId)],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Vec<Result<Opened, StoreError>>, StoreError> {
        open_batch::open_cases(&self.writer, tickets, actor.as_str(), now).await
    }

    async fn case(&self, id: CaseId) -> Result<Case, StoreError> {
        cases::load(&mut *self.pool.acquire().await?, id).await
    }

    async fn cases(
        &self,
        ids: &[CaseId],
    ) -> Result<Vec<(CaseId, Result<Case, StoreError>)>, StoreError> {
        let mut found = cases::load_many(&mut *self.pool.acquire().await?, ids).await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.remove(id).map(|case| (*id, case)))
            .collect())
    }

    async fn list_cases(&self, filter: &CaseFilter) -> Result<Vec<Case>, StoreError> {
        cases::list(&self.pool, filter).await
    }

    async fn record(
        &self,
        case: CaseId,
        events: Vec<Event>,
        actor: &Actor,
        detail: Value,
        lease: Option<&Lease>,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let mut tx = audit::begin_write(&self.writer).await?;
        if let Some(lease) = lease {
            jobs::finish(&mut tx, lease).await?;
        }
        let transition = transitions::record(&mut tx, case, events, actor, &detail, now).await?;
        tx.commit().await?;
        Ok(transition)
    }

    async fn record_batch(
        &self,
        items: &[BatchItem],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        record_batch::record_batch(&self.writer, items, actor.as_str(), now).await
    }

    async fn claim_jobs(
        &self,
        lease_for: Duration,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<Job>, StoreError> {
        jobs::claim(
            &self.pool,
            &self.writer,
            self.dialect,
            lease_for,
            limit,
            now,
        )
        .await
    }

    async fn finish_job(&self, lease: &Lease) -> Result<(), StoreError> {
        jobs::finish(&mut *self.writer.acquire().await?, lease).await
    }

    async fn reschedule_job(
        &self,
        lease: &Lease,
        run_at: OffsetDateTime,
        error: &str,
    ) -> Result<(), StoreError> {
        jobs::reschedule(&mut *self.writer.acquire().await?, lease, run_at, error).await
    }

    async fn append_audit(
        &self,
        case: Option<CaseId>,
        actor: &Actor,
        kind: &str,
        data: Value,
        now: OffsetDateTime,
    ) -> Result<AuditRecord, StoreError> {
        let mut tx = audit::begin_write(&self.writer).await?;
        let record = audit::append(&mut tx, case, actor.as_str(), kind, data, now).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn audit_events(&self, case: Option<CaseId>) -> Result<Vec<AuditRecord>, StoreError> {
        audit::events(&self.pool, case).await
    }

    async fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        audit::verify(&self.pool).await
    }
}
