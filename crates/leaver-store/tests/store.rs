//! One suite, run unchanged against SQLite and (when `TEST_POSTGRES_URL` is set) Postgres.

use leaver_core::audit::BrokenLink;
use leaver_core::{CaseId, CaseState, Effect, Event, StepId};
use leaver_store::scratch::ticket;
use leaver_store::{Actor, CaseFilter, JobKind, SqlStore, Store, StoreError, scratch};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

async fn stores() -> (tempfile::TempDir, Vec<(SqlStore, String)>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let stores = scratch::all(dir.path()).await.expect("stores");
    (dir, stores)
}

async fn open(store: &SqlStore, external_id: &str, user: &str) -> CaseId {
    let opened = store
        .open_case(
            &ticket(external_id, user),
            CaseId::random(),
            &Actor::cli(),
            NOW,
        )
        .await;
    opened.expect("opened").case.id
}

async fn count(store: &SqlStore, table: &str) -> i64 {
    scratch::count_rows(store, table).await.expect("count")
}

#[tokio::test]
async fn opening_the_same_ticket_twice_returns_the_same_case() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let first = store
            .open_case(&ticket("HR-1", "bob"), CaseId::random(), &Actor::cli(), NOW)
            .await
            .expect("open");
        let again = store
            .open_case(&ticket("HR-1", "bob"), CaseId::random(), &Actor::cli(), NOW)
            .await
            .expect("replay");
        assert!(first.created && !again.created, "{url}");
        assert_eq!(first.case.id, again.case.id, "{url}");
        assert_eq!(again.case.state, CaseState::Planning, "{url}");
        assert_eq!(count(store, "offboarding_case").await, 1, "{url}");
        assert_eq!(count(store, "job").await, 1, "{url}: one planning job");
    }
}

#[tokio::test]
async fn a_conflicting_replay_is_refused_and_writes_nothing() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let id = open(store, "HR-2", "bob").await;
        let audit_before = count(store, "audit_event").await;
        let other = store
            .open_case(
                &ticket("HR-2", "dave"),
                CaseId::random(),
                &Actor::cli(),
                NOW,
            )
            .await;
        match other {
            Err(StoreError::Conflict { existing, .. }) => assert_eq!(existing, id, "{url}"),
            other => panic!("{url}: expected a conflict, got {other:?}"),
        }
        assert_eq!(count(store, "offboarding_case").await, 1, "{url}");
        assert_eq!(count(store, "audit_event").await, audit_before, "{url}");
    }
}

#[tokio::test]
async fn an_expired_lease_is_claimed_again_and_the_first_worker_loses_it() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let case = open(store, "HR-3", "bob").await;
        let lease = Duration::from_secs(30);
        let first = store.claim_jobs(lease, 10, NOW).await.expect("claim");
        assert_eq!(first.len(), 1, "{url}");
        assert_eq!(
            (first[0].kind, first[0].case_id),
            (JobKind::PlanCase, case),
            "{url}"
        );
        assert!(
            store
                .claim_jobs(lease, 10, NOW + Duration::from_secs(10))
                .await
                .expect("claim")
                .is_empty(),
            "{url}: still leased"
        );
        let later = NOW + Duration::from_secs(31);
        let second = store.claim_jobs(lease, 10, later).await.expect("reclaim");
        assert_eq!(
            second.len(),
            1,
            "{url}: a crashed worker's job is picked up again"
        );
        assert_eq!(
            (second[0].lease.id, second[0].attempts),
            (first[0].lease.id, 2),
            "{url}"
        );
        let stale = store.finish_job(&first[0].lease).await;
        assert!(
            matches!(stale, Err(StoreError::LeaseLost(_))),
            "{url}: {stale:?}"
        );
        store
            .finish_job(&second[0].lease)
            .await
            .expect("finish with the live lease");
        assert_eq!(count(store, "job").await, 0, "{url}");
    }
}

#[tokio::test]
async fn two_concurrent_claimers_never_get_the_same_job() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        for n in 0..60 {
            open(store, &format!("HR-C{n}"), "bob").await;
        }
        let claimer = |store: SqlStore| async move {
            let mut mine = Vec::new();
            loop {
                let jobs = store
                    .claim_jobs(Duration::from_secs(60), 3, NOW)
                    .await
                    .expect("claim");
                if jobs.is_empty() {
                    return mine;
                }
                mine.extend(jobs.into_iter().map(|j| j.lease.id));
            }
        };
        let (a, b) = tokio::join!(
            tokio::spawn(claimer(store.clone())),
            tokio::spawn(claimer(store.clone()))
        );
        let (a, b) = (a.expect("claimer a"), b.expect("claimer b"));
        let all: HashSet<_> = a.iter().chain(&b).collect();
        assert_eq!(a.len() + b.len(), 60, "{url}: every job claimed");
        assert_eq!(all.len(), 60, "{url}: no job claimed twice");
    }
}

#[tokio::test]
async fn recording_an_event_with_a_lost_lease_writes_nothing() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let case = open(store, "HR-4", "bob").await;
        let job = store
            .claim_jobs(Duration::from_secs(1), 1, NOW)
            .await
            .expect("claim")
            .remove(0);
        let _thief = store
            .claim_jobs(Duration::from_secs(60), 1, NOW + Duration::from_secs(2))
            .await
            .expect("steal");
        let planned = Event::Planned {
            steps: vec![],
            blocked_reason: Some("no successor".into()),
        };
        let result = store
            .record(
                case,
                vec![planned],
                &Actor::engine(),
                json!({}),
                Some(&job.lease),
                NOW,
            )
            .await;
        assert!(
            matches!(result, Err(StoreError::LeaseLost(_))),
            "{url}: {result:?}"
        );
        assert_eq!(
            store.case(case).await.expect("case").state,
            CaseState::Planning,
            "{url}"
        );
    }
}

#[tokio::test]
async fn a_transition_stores_state_jobs_and_audit_together() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let case = open(store, "HR-5", "bob").await;
        let job = store
            .claim_jobs(Duration::from_secs(60), 1, NOW)
            .await
            .expect("claim")
            .remove(0);
        let steps = vec![leaver_core::NewStep {
            id: StepId::random(),
            kind: leaver_core::StepKind::StripAccess,
            target: leaver_core::Target::Org("acme-ai".into()),
            strategy: leaver_core::Strategy::Api,
            needs_approval: true,
        }];
        let step = steps[0].id;
        let t = store
            .record(
                case,
                vec![Event::Planned {
                    steps,
                    blocked_reason: None,
                }],
                &Actor::engine(),
                json!({}),
                Some(&job.lease),
                NOW,
            )
            .await
            .expect("record");
        assert_eq!(
            t.effects,
            vec![Effect::RequestApproval { steps: vec![step] }],
            "{url}"
        );
        let stored = store.case(case).await.expect("case");
        assert_eq!(
            stored, t.case,
            "{url}: what is stored is what the core returned"
        );
        let jobs = store
            .claim_jobs(Duration::from_secs(60), 10, NOW)
            .await
            .expect("claim");
        assert_eq!(
            jobs.iter().map(|j| j.kind).collect::<Vec<_>>(),
            [JobKind::RequestApproval],
            "{url}"
        );
        let illegal = store
            .record(
                case,
                vec![Event::StepStarted { step }],
                &Actor::engine(),
                json!({}),
                None,
                NOW,
            )
            .await;
        assert!(matches!(illegal, Err(StoreError::Domain(_))), "{url}");
        let listed = store
            .list_cases(&CaseFilter {
                state: Some(CaseState::AwaitingApproval),
                ..Default::default()
            })
            .await;
        assert_eq!(
            listed
                .expect("list")
                .iter()
                .map(|c| c.id)
                .collect::<Vec<_>>(),
            [case],
            "{url}"
        );
        let kinds: Vec<String> = store
            .audit_events(Some(case))
            .await
            .expect("audit")
            .into_iter()
            .map(|r| r.kind)
            .collect();
        assert_eq!(kinds, ["case_opened", "planned"], "{url}");
    }
}

/// Runs `sql` on the store's tables behind its back, then returns the broken link
/// `verify_audit` must report (`what` names the expected finding).
async fn tamper_and_verify(store: &SqlStore, sql: &'static str, what: &str) -> BrokenLink {
    sqlx::query(sql)
        .execute(store.pool())
        .await
        .expect("tamper");
    store
        .verify_audit()
        .await
        .expect("verify")
        .broken
        .expect(what)
}

#[tokio::test]
async fn the_audit_chain_verifies_and_names_the_first_edited_or_deleted_record() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        for n in 0..4 {
            open(store, &format!("HR-A{n}"), "bob").await;
        }
        let report = store.verify_audit().await.expect("verify");
        assert_eq!(
            (report.records, report.broken.is_none()),
            (4, true),
            "{url}"
        );

        let broken = tamper_and_verify(
            store,
            "UPDATE audit_event SET actor = 'mallory' WHERE seq = 3",
            "edit detected",
        )
        .await;
        assert_eq!(broken.seq, 3, "{url}: {}", broken.reason);

        let broken = tamper_and_verify(
            store,
            "DELETE FROM audit_event WHERE seq = 3",
            "deletion detected",
        )
        .await;
        assert_eq!(broken.seq, 3, "{url}: {}", broken.reason);
    }
}

#[tokio::test]
async fn deleting_the_newest_audit_record_is_detected() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        open(store, "HR-D1", "bob").await;
        open(store, "HR-D2", "dave").await;
        let broken =
            tamper_and_verify(store, "DELETE FROM audit_event WHERE seq = 2", "detected").await;
        assert_eq!(broken.seq, 2, "{url}: {}", broken.reason);
    }
}
