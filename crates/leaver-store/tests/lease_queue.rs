//! Claiming under a lease, for jobs and emails alike, against SQLite and (when
//! `TEST_POSTGRES_URL` is set) Postgres: claiming a step's job starts the step in the claim's
//! transaction, a job whose step may not start is dropped there, and whoever's lease ran out
//! can finish nothing that another worker has claimed since.

use leaver_core::approval::Mode;
use leaver_core::{
    Case, CaseId, CaseState, EmailAddress, Event, NewStep, StepId, StepKind, StepState, Strategy,
    Target,
};
use leaver_store::approvals::{MintedLink, NewRequest};
use leaver_store::mail::outbox::MailOutbox;
use leaver_store::scratch::ticket;
use leaver_store::{Actor, BatchItem, BatchWrite, JobKind, SqlStore, Store, StoreError, scratch};
use serde_json::json;
use std::time::Duration;
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);
const LEASE: Duration = Duration::from_secs(30);

async fn stores() -> (tempfile::TempDir, Vec<(SqlStore, String)>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let stores = scratch::all(dir.path()).await.expect("stores");
    (dir, stores)
}

/// A case planned with one step that needs no approval, so its job is due at once.
async fn case_with_a_runnable_step(
    store: &SqlStore,
    external_id: &str,
    at: OffsetDateTime,
) -> (CaseId, StepId) {
    let case = store
        .open_case(
            &ticket(external_id, "bob"),
            CaseId::random(),
            &Actor::cli(),
            at,
        )
        .await
        .expect("open")
        .case
        .id;
    let plan_job = store
        .claim_jobs(LEASE, 1, at)
        .await
        .expect("claim")
        .remove(0);
    let step = StepId::random();
    let planned = Event::Planned {
        steps: vec![NewStep {
            id: step,
            kind: StepKind::StripAccess,
            target: Target::Org("acme-ai".into()),
            strategy: Strategy::Api,
            needs_approval: false,
        }],
        blocked_reason: None,
    };
    store
        .record(
            case,
            vec![planned],
            &Actor::engine(),
            json!({}),
            Some(&plan_job.lease),
            at,
        )
        .await
        .expect("planned");
    (case, step)
}

async fn trail_kinds(store: &SqlStore, case: CaseId) -> Vec<String> {
    let trail = store.audit_events(Some(case)).await.expect("trail");
    trail.into_iter().map(|r| r.kind).collect()
}

fn state_of(case: &Case, step: StepId) -> Option<StepState> {
    case.step(step).map(|s| s.state)
}

#[tokio::test]
async fn claiming_a_steps_job_starts_the_step_once_even_when_its_lease_runs_out() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let (case, step) = case_with_a_runnable_step(store, "HR-1", NOW).await;
        let jobs = store.claim_jobs(LEASE, 10, NOW).await.expect("claim");
        assert_eq!(jobs.len(), 1, "{url}");
        assert_eq!(jobs[0].kind, JobKind::RunStep, "{url}");
        let handed = jobs[0].case.clone().expect("the case").expect("readable");
        assert_eq!(
            state_of(&handed, step),
            Some(StepState::Running),
            "{url}: as handed out"
        );
        let stored = store.case(case).await.expect("case");
        assert_eq!(
            state_of(&stored, step),
            Some(StepState::Running),
            "{url}: as stored"
        );
        assert_eq!(stored.state, CaseState::Running, "{url}");
        assert_eq!(stored.step(step).map(|s| s.attempts), Some(1), "{url}");

        // The worker died; its lease runs out and another worker claims the job.
        let later = NOW + LEASE + Duration::from_secs(1);
        let again = store.claim_jobs(LEASE, 10, later).await.expect("reclaim");
        assert_eq!(again.len(), 1, "{url}: the job is handed out again");
        let handed = again[0].case.clone().expect("the case").expect("readable");
        assert_eq!(state_of(&handed, step), Some(StepState::Running), "{url}");
        let kinds = trail_kinds(store, case).await;
        let starts = kinds.iter().filter(|k| *k == "step_started").count();
        assert_eq!(starts, 1, "{url}: started once: {kinds:?}");
        assert_eq!(
            store
                .case(case)
                .await
                .expect("case")
                .step(step)
                .map(|s| s.attempts),
            Some(1)
        );

        let stale = store.finish_job(&jobs[0].lease).await;
        assert!(
            matches!(stale, Err(StoreError::LeaseLost(_))),
            "{url}: {stale:?}"
        );
        assert!(
            store.verify_audit().await.expect("verify").broken.is_none(),
            "{url}"
        );
    }
}

#[tokio::test]
async fn a_job_whose_step_may_not_start_is_dropped_by_the_claim() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let (case, step) = case_with_a_runnable_step(store, "HR-2", NOW).await;
        let cancel = Event::Cancelled {
            reason: "rehired".into(),
        };
        let operator = Actor::operator("ops@acme.test");
        store
            .record(case, vec![cancel], &operator, json!({}), None, NOW)
            .await
            .expect("cancel");
        assert_eq!(
            scratch::count_rows(store, "job").await.expect("jobs"),
            1,
            "{url}"
        );

        // Another case, opened later: claiming one job at a time, a claim drops the cancelled
        // case's job and goes on to the next due one, never handing out nothing while jobs
        // are due.
        let later = NOW + Duration::from_secs(1);
        let (other, _) = case_with_a_runnable_step(store, "HR-2b", later).await;
        let jobs = store.claim_jobs(LEASE, 1, later).await.expect("claim");
        let cases: Vec<CaseId> = jobs.iter().map(|j| j.case_id).collect();
        assert_eq!(cases, [other], "{url}");
        assert_eq!(
            scratch::count_rows(store, "job").await.expect("jobs"),
            1,
            "{url}: the cancelled case's job is dropped"
        );
        let stored = store.case(case).await.expect("case");
        assert_eq!(state_of(&stored, step), Some(StepState::Skipped), "{url}");
        let kinds = trail_kinds(store, case).await;
        assert!(
            !kinds.iter().any(|k| k == "step_started"),
            "{url}: {kinds:?}"
        );
    }
}

#[tokio::test]
async fn a_sender_whose_lease_ran_out_can_neither_mark_an_email_sent_nor_failed() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let case = store
            .open_case(&ticket("HR-3", "bob"), CaseId::random(), &Actor::cli(), NOW)
            .await
            .expect("open")
            .case
            .id;
        let id = Uuid::now_v7();
        let link = MintedLink {
            id,
            token_hash: format!("{:064x}", id.as_u128()),
        };
        let request = NewRequest {
            rule: "manager".into(),
            mode: Mode::Any,
            steps: vec![],
            links: vec![(
                EmailAddress::parse("carol@acme.test").expect("address"),
                link,
            )],
            expires_at: NOW + Duration::from_secs(3600),
        };
        let ask = BatchItem {
            case,
            lease: None,
            write: BatchWrite::AskApprovers {
                requests: vec![request],
            },
        };
        let asked = store.record_batch(&[ask], &Actor::engine(), NOW).await;
        assert!(asked.expect("requested").iter().all(Result::is_ok), "{url}");
        assert_eq!(store.unsent_emails().await.expect("depth"), 1, "{url}");

        let slow = store.claim_emails(LEASE, 10, NOW).await.expect("claim");
        assert_eq!(slow.len(), 1, "{url}");
        let later = NOW + LEASE + Duration::from_secs(1);
        let fast = store
            .claim_emails(LEASE, 10, later)
            .await
            .expect("claim again");
        assert_eq!(
            fast.len(),
            1,
            "{url}: the lease ran out, the email is due again"
        );
        assert_eq!(fast[0].attempts, 2, "{url}");

        let sent = store.email_sent(&slow[0], later).await;
        assert!(
            matches!(sent, Err(StoreError::LeaseLost(_))),
            "{url}: {sent:?}"
        );
        let failed = store.email_failed(&slow[0], "timeout", None, later).await;
        assert!(
            matches!(failed, Err(StoreError::LeaseLost(_))),
            "{url}: {failed:?}"
        );
        assert_eq!(
            store.unsent_emails().await.expect("depth"),
            1,
            "{url}: still the new holder's"
        );

        store
            .email_sent(&fast[0], later)
            .await
            .expect("the holder marks it sent");
        assert_eq!(store.unsent_emails().await.expect("depth"), 0, "{url}");
        let none = store
            .claim_emails(LEASE, 10, later + LEASE * 2)
            .await
            .expect("claim");
        assert!(none.is_empty(), "{url}: a sent email is not claimed again");
    }
}
