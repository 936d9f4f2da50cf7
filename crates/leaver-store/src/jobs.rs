//! The outbox: jobs written with the state change that causes them, claimed under a lease.

use crate::multi_row::{self, Marks};
use crate::rows::ms;
use crate::{Dialect, StoreError};
use leaver_core::{CaseId, Effect};
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// What a job is for; one per [`Effect`] kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    PlanCase,
    RequestApproval,
    RunStep,
    PollManualStep,
    NotifyOperator,
}

impl JobKind {
    fn of(effect: &Effect) -> JobKind {
        match effect {
            Effect::PlanCase => JobKind::PlanCase,
            Effect::RequestApproval { .. } => JobKind::RequestApproval,
            Effect::RunStep { .. } => JobKind::RunStep,
            Effect::PollManualStep { .. } => JobKind::PollManualStep,
            Effect::NotifyOperator { .. } => JobKind::NotifyOperator,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            JobKind::PlanCase => "plan_case",
            JobKind::RequestApproval => "request_approval",
            JobKind::RunStep => "run_step",
            JobKind::PollManualStep => "poll_manual_step",
            JobKind::NotifyOperator => "notify_operator",
        }
    }
}

/// Proof that a worker holds a job: the job's id and the token its claim wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    pub job_id: Uuid,
    pub token: Uuid,
}

/// A claimed job.
#[derive(Clone, Debug)]
pub struct Job {
    pub lease: Lease,
    pub case_id: CaseId,
    pub kind: JobKind,
    pub effect: Effect,
    /// How many times the job has been claimed, this claim included.
    pub attempts: u32,
}

/// At most one pending job per step run, per planning, per manual poll; the others are unique.
fn dedupe_key(case: CaseId, effect: &Effect, job_id: Uuid) -> String {
    match effect {
        Effect::PlanCase => format!("plan_case:{case}"),
        Effect::RunStep { step, .. } => format!("run_step:{step}"),
        Effect::PollManualStep { step } => format!("poll_manual_step:{step}"),
        Effect::RequestApproval { .. } | Effect::NotifyOperator { .. } => format!("job:{job_id}"),
    }
}

fn run_at(effect: &Effect, now: OffsetDateTime) -> OffsetDateTime {
    match effect {
        Effect::RunStep { not_before, .. } => (*not_before).max(now),
        _ => now,
    }
}

/// Writes one job per effect. A second run of the same step only moves the existing job's time.
pub(crate) async fn enqueue(
    tx: &mut Transaction<'static, Any>,
    case: CaseId,
    effects: &[Effect],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let effects: Vec<(CaseId, Effect)> = effects.iter().map(|e| (case, e.clone())).collect();
    enqueue_many(tx, &effects, now).await
}

/// Writes the jobs for many cases' effects with multi-row inserts. Effects that share a dedupe
/// key collapse into the last of them (one statement may not touch a row twice on Postgres).
pub(crate) async fn enqueue_many(
    tx: &mut Transaction<'static, Any>,
    effects: &[(CaseId, Effect)],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut rows: Vec<JobRow> = Vec::with_capacity(effects.len());
    let mut by_key: HashMap<String, usize> = HashMap::with_capacity(effects.len());
    for (case, effect) in effects {
        let row = JobRow::new(*case, effect, now)?;
        match by_key.get(&row.dedupe_key) {
            Some(&earlier) => rows[earlier] = row,
            None => {
                by_key.insert(row.dedupe_key.clone(), rows.len());
                rows.push(row);
            }
        }
    }
    for chunk in rows.chunks(multi_row::rows_per_statement(7)) {
        let sql = format!(
            "INSERT INTO job (job_id, dedupe_key, case_id, kind, payload, run_at, created_at)
             VALUES {}
             ON CONFLICT (dedupe_key) DO UPDATE SET run_at = excluded.run_at, payload = excluded.payload",
            Marks::of(tx).values(chunk.len(), 7)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            query = query
                .bind(row.job_id.to_string())
                .bind(row.dedupe_key.clone())
                .bind(row.case.to_string())
                .bind(row.kind.as_str())
                .bind(row.payload.clone())
                .bind(row.run_at)
                .bind(ms(now));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// One job row to insert.
struct JobRow {
    job_id: Uuid,
    dedupe_key: String,
    case: CaseId,
    kind: JobKind,
    payload: String,
    run_at: i64,
}

impl JobRow {
    fn new(case: CaseId, effect: &Effect, now: OffsetDateTime) -> Result<JobRow, StoreError> {
        let job_id = Uuid::now_v7();
        Ok(JobRow {
            job_id,
            dedupe_key: dedupe_key(case, effect, job_id),
            case,
            kind: JobKind::of(effect),
            payload: serde_json::to_string(effect)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            run_at: ms(run_at(effect, now)),
        })
    }
}

/// Claims due jobs: those whose time has come and that nobody holds (or whose lease ran out).
pub(crate) async fn claim(
    pool: &sqlx::AnyPool,
    dialect: Dialect,
    lease_for: Duration,
    limit: u32,
    now: OffsetDateTime,
) -> Result<Vec<Job>, StoreError> {
    let token = Uuid::new_v4();
    let until = now + lease_for;
    let sql = format!(
        "UPDATE job SET locked_by = $1, locked_until = $2, attempts = attempts + 1
         WHERE job_id IN (
             SELECT job_id FROM job
             WHERE run_at <= $3 AND (locked_until IS NULL OR locked_until < $3)
             ORDER BY run_at LIMIT $4 {}
         )
         RETURNING job_id, case_id, kind, payload, attempts",
        dialect.skip_locked()
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(token.to_string())
        .bind(ms(until))
        .bind(ms(now))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?;
    rows.iter().map(|row| job_from_row(row, token)).collect()
}

fn job_from_row(row: &AnyRow, token: Uuid) -> Result<Job, StoreError> {
    let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("job: {e}"));
    let job_id: String = row.try_get("job_id")?;
    let case_id: String = row.try_get("case_id")?;
    let payload: String = row.try_get("payload")?;
    let attempts: i64 = row.try_get("attempts")?;
    let effect: Effect = serde_json::from_str(&payload).map_err(|e| corrupt(&e))?;
    Ok(Job {
        lease: Lease {
            job_id: job_id.parse().map_err(|e| corrupt(&e))?,
            token,
        },
        case_id: case_id.parse().map_err(|e| corrupt(&e))?,
        kind: JobKind::of(&effect),
        effect,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
    })
}

/// Deletes the job if this lease still holds it.
pub(crate) async fn finish<'e, E>(executor: E, lease: &Lease) -> Result<(), StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let done = sqlx::query("DELETE FROM job WHERE job_id = $1 AND locked_by = $2")
        .bind(lease.job_id.to_string())
        .bind(lease.token.to_string())
        .execute(executor)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::LeaseLost(lease.job_id));
    }
    Ok(())
}

/// Deletes every job whose lease is still held, in one statement; returns the ids deleted.
/// A job missing from the answer had its lease lost.
pub(crate) async fn finish_many(
    tx: &mut Transaction<'static, Any>,
    leases: &[&Lease],
) -> Result<HashSet<Uuid>, StoreError> {
    let mut finished = HashSet::with_capacity(leases.len());
    for chunk in leases.chunks(multi_row::rows_per_statement(2)) {
        let marks = Marks::of(tx);
        let pairs: Vec<String> = (0..chunk.len())
            .map(|i| {
                let (job, token) = (marks.mark(2 * i + 1), marks.mark(2 * i + 2));
                format!("(job_id = {job} AND locked_by = {token})")
            })
            .collect();
        let sql = format!(
            "DELETE FROM job WHERE {} RETURNING job_id",
            pairs.join(" OR ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for lease in chunk {
            query = query
                .bind(lease.job_id.to_string())
                .bind(lease.token.to_string());
        }
        for row in query.fetch_all(&mut **tx).await? {
            let id: String = row.try_get("job_id")?;
            finished.insert(
                id.parse()
                    .map_err(|e| StoreError::Corrupt(format!("job_id {id}: {e}")))?,
            );
        }
    }
    Ok(finished)
}

/// Releases the job to run again at `run_at`, if this lease still holds it.
pub(crate) async fn reschedule(
    pool: &sqlx::AnyPool,
    lease: &Lease,
    run_at: OffsetDateTime,
    error: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE job SET run_at = $1, locked_by = NULL, locked_until = NULL, last_error = $2
         WHERE job_id = $3 AND locked_by = $4",
    )
    .bind(ms(run_at))
    .bind(error)
    .bind(lease.job_id.to_string())
    .bind(lease.token.to_string())
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::LeaseLost(lease.job_id));
    }
    Ok(())
}
