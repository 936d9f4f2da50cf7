//! The engine's jobs: written with the state change that causes them, claimed under a lease
//! (a [`LeaseQueue`]). Claiming a step's job starts the step, in the claim's transaction.

pub(crate) mod lease_queue;

use crate::cases::record_batch::apply_events;
use crate::cases::rows::{from_ms, ms};
use crate::jobs::lease_queue::{Lease, LeaseQueue};
use crate::mail::operator_notices;
use crate::write_path::multi_row::{self, Marks};
use crate::{Dialect, StoreError, audit, cases};
use leaver_core::{Case, CaseId, Effect, Event, StepState};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AnyPool, AssertSqlSafe, Row, Transaction};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// The job table as a lease queue: a finished job is deleted.
const QUEUE: LeaseQueue = LeaseQueue {
    table: "job",
    key: "job_id",
    due: "run_at",
    stamps: None,
};

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

/// A job's case as its claim read it: `Err` says why its stored row does not decode.
pub type ClaimedCase = Result<Arc<Case>, String>;

/// A claimed job.
#[derive(Clone, Debug)]
pub struct Job {
    pub lease: Lease,
    pub case_id: CaseId,
    pub kind: JobKind,
    pub effect: Effect,
    /// How many times the job has been claimed, this claim included.
    pub attempts: u32,
    /// Since when the job has been due: the later of when it was queued and the time it was set
    /// to run. For a step nothing else of its case can run beside (`refresh`, `verify`), a Hub
    /// read taken after this is as fresh as one taken after the claim.
    pub due_since: OffsetDateTime,
    /// The case as the claim left it (a `RunStep` job's step started); `None` if no case has
    /// that id.
    pub case: Option<ClaimedCase>,
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
    // What the operators are to be told is no job: it waits for them as a notice.
    let notice = |effect: &Effect| match effect {
        Effect::NotifyOperator { reason } => Some(reason.clone()),
        _ => None,
    };
    let notices: Vec<(CaseId, String)> = effects
        .iter()
        .filter_map(|(case, effect)| Some((*case, notice(effect)?)))
        .collect();
    operator_notices::queue(tx, &notices, now).await?;
    let jobs = effects
        .iter()
        .filter(|(_, effect)| notice(effect).is_none());
    let mut rows: Vec<JobRow> = Vec::with_capacity(effects.len());
    let mut by_key: HashMap<String, usize> = HashMap::with_capacity(effects.len());
    for (case, effect) in jobs {
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

/// Claims due jobs (those whose time has come and that nobody holds, or whose lease ran out)
/// and reads their cases, in one write transaction that also starts their steps
/// ([`start_steps`]). An idle queue costs one read; the answer is empty only when no job is due.
pub(crate) async fn claim(
    reader: &AnyPool,
    writer: &AnyPool,
    dialect: Dialect,
    lease_for: Duration,
    limit: u32,
    now: OffsetDateTime,
) -> Result<Vec<Job>, StoreError> {
    while QUEUE.any_due(reader, now).await? {
        let mut tx = audit::begin_write(writer).await?;
        let columns = "job_id, case_id, payload, attempts, created_at, run_at";
        let (token, rows) = QUEUE
            .claim(&mut tx, dialect, lease_for, limit, now, columns)
            .await?;
        let jobs = rows
            .iter()
            .map(|row| job_from_row(row, token))
            .collect::<Result<Vec<_>, _>>()?;
        let jobs = start_steps(&mut tx, jobs, now).await?;
        tx.commit().await?;
        if !jobs.is_empty() || rows.is_empty() {
            return Ok(jobs);
        }
        // Every job claimed was dropped: look again.
    }
    Ok(Vec::new())
}

/// Starts the steps of the claimed `RunStep` jobs, so that a step is `running` in the database
/// for as long as its Hub call is in flight: the core applies `StepStarted`, and the new state
/// and its audit record are written here. A job whose step the core refuses to start (the case
/// was cancelled, the step is done or not runnable any more) is deleted here, not handed out.
/// A step found running already (the last lease on its job ran out) is handed out as it is,
/// since steps read the Hub before they write; so is one whose case is not effective yet, for
/// the worker to put back. Returns the jobs to hand out, each with its case.
async fn start_steps(
    tx: &mut Transaction<'static, Any>,
    jobs: Vec<Job>,
    now: OffsetDateTime,
) -> Result<Vec<Job>, StoreError> {
    let mut ids: Vec<CaseId> = jobs.iter().map(|job| job.case_id).collect();
    ids.sort_unstable_by_key(ToString::to_string);
    ids.dedup();
    let mut loaded = cases::load_many(tx, &ids).await?;
    let mut before: HashMap<CaseId, Case> = HashMap::new();
    let (mut effects, mut entries, mut refused) = (Vec::new(), Vec::new(), Vec::new());
    for job in &jobs {
        let Effect::RunStep { step, .. } = job.effect else {
            continue;
        };
        let Some(Ok(case)) = loaded.get_mut(&job.case_id) else {
            continue;
        };
        let running = case
            .step(step)
            .is_some_and(|s| s.state == StepState::Running);
        if running || case.not_before(now) > now {
            continue;
        }
        match apply_events(case, vec![Event::StepStarted { step }], &json!({}), now) {
            Ok((started, audit)) => {
                before.entry(case.id).or_insert_with(|| case.clone());
                *case = started.case;
                effects.extend(started.effects.into_iter().map(|e| (job.case_id, e)));
                entries.extend(audit);
            }
            Err(StoreError::Domain(error)) => {
                tracing::info!(case_id = %job.case_id, %error, "the job's step cannot start; the job is dropped");
                refused.push(&job.lease);
            }
            Err(other) => return Err(other),
        }
    }
    let dropped = QUEUE.delete_many(tx, &refused).await?;
    let changes: Vec<(&Case, &Case)> = before
        .iter()
        .filter_map(|(id, was)| Some((was, loaded.get(id)?.as_ref().ok()?)))
        .collect();
    cases::save_many(tx, &changes).await?;
    enqueue_many(tx, &effects, now).await?;
    audit::append_many(tx, "engine", entries, now).await?;
    let loaded: HashMap<CaseId, ClaimedCase> = loaded
        .into_iter()
        .map(|(id, case)| (id, case.map(Arc::new).map_err(|e| e.to_string())))
        .collect();
    Ok(jobs
        .into_iter()
        .filter(|job| !dropped.contains(&job.lease.id))
        .map(|job| Job {
            case: loaded.get(&job.case_id).cloned(),
            ..job
        })
        .collect())
}

fn job_from_row(row: &AnyRow, token: Uuid) -> Result<Job, StoreError> {
    let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("job: {e}"));
    let job_id: String = row.try_get("job_id")?;
    let case_id: String = row.try_get("case_id")?;
    let payload: String = row.try_get("payload")?;
    let attempts: i64 = row.try_get("attempts")?;
    let queued: i64 = row.try_get("created_at")?;
    let run_at: i64 = row.try_get("run_at")?;
    let effect: Effect = serde_json::from_str(&payload).map_err(|e| corrupt(&e))?;
    Ok(Job {
        lease: Lease {
            id: job_id.parse().map_err(|e| corrupt(&e))?,
            token,
        },
        case_id: case_id.parse().map_err(|e| corrupt(&e))?,
        kind: JobKind::of(&effect),
        effect,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        due_since: from_ms(queued.max(run_at))?,
        case: None,
    })
}

/// Deletes the job if this lease still holds it.
pub(crate) async fn finish(conn: &mut AnyConnection, lease: &Lease) -> Result<(), StoreError> {
    QUEUE.delete(conn, lease).await
}

/// Deletes every job whose lease is still held; returns the ids deleted. A job missing from the
/// answer had its lease lost.
pub(crate) async fn finish_many(
    conn: &mut AnyConnection,
    leases: &[&Lease],
) -> Result<HashSet<Uuid>, StoreError> {
    QUEUE.delete_many(conn, leases).await
}

/// Releases the job to run again at `run_at`, if this lease still holds it.
pub(crate) async fn reschedule(
    conn: &mut AnyConnection,
    lease: &Lease,
    run_at: OffsetDateTime,
    error: &str,
) -> Result<(), StoreError> {
    QUEUE.retry(conn, lease, run_at, error).await
}
