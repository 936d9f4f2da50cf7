//! The batch paths (`open_cases`, `record_batch`, `cases`), run against SQLite and (when
//! `TEST_POSTGRES_URL` is set) Postgres: one transaction for many items, each item standing alone.

use leaver_core::{CaseId, CaseState, Event, StepId, Ticket};
use leaver_store::scratch::ticket;
use leaver_store::{Actor, BatchItem, BatchWrite, Lease, SqlStore, Store, StoreError, scratch};
use serde_json::json;
use std::time::Duration;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-28 12:00 UTC);

async fn stores() -> (tempfile::TempDir, Vec<(SqlStore, String)>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let stores = scratch::all(dir.path()).await.expect("stores");
    (dir, stores)
}

async fn count(store: &SqlStore, table: &str) -> i64 {
    scratch::count_rows(store, table).await.expect("count")
}

fn events(case: CaseId, lease: Option<Lease>, events: Vec<Event>) -> BatchItem {
    BatchItem {
        case,
        lease,
        write: BatchWrite::Events {
            events,
            detail: json!({}),
        },
    }
}

#[tokio::test]
async fn opening_many_tickets_at_once_means_the_same_as_opening_them_one_by_one() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let earlier = store
            .open_case(&ticket("HR-0", "zoe"), CaseId::random(), &Actor::cli(), NOW)
            .await
            .expect("open");
        let tickets = [
            (ticket("HR-1", "bob"), CaseId::random()),
            (ticket("HR-2", "dave"), CaseId::random()),
            (ticket("HR-0", "zoe"), CaseId::random()),
            (ticket("HR-1", "bob"), CaseId::random()),
            (ticket("HR-2", "someone-else"), CaseId::random()),
        ];
        let results = store
            .open_cases(&tickets, &Actor::api("hr"), NOW)
            .await
            .expect("batch");

        let created: Vec<bool> = results
            .iter()
            .map(|r| r.as_ref().is_ok_and(|o| o.created))
            .collect();
        assert_eq!(created, [true, true, false, false, false], "{url}");
        let replay = results[2].as_ref().expect("replay");
        assert_eq!(replay.case.id, earlier.case.id, "{url}");
        let same = results[3].as_ref().expect("same ticket twice in one batch");
        assert_eq!(same.case.id, tickets[0].1, "{url}");
        assert!(
            matches!(&results[4], Err(StoreError::Conflict { existing, .. }) if *existing == tickets[1].1),
            "{url}: {:?}",
            results[4]
        );
        assert_eq!(count(store, "offboarding_case").await, 3, "{url}");
        assert_eq!(
            count(store, "job").await,
            3,
            "one planning job per new case: {url}"
        );
        let trail = store.audit_events(None).await.expect("trail");
        assert_eq!(
            trail.iter().filter(|r| r.kind == "case_opened").count(),
            3,
            "{url}"
        );
        assert!(
            store.verify_audit().await.expect("verify").broken.is_none(),
            "{url}"
        );
    }
}

#[tokio::test]
async fn a_batch_commits_its_good_items_and_skips_an_illegal_event_and_a_lost_lease() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let tickets: Vec<(Ticket, CaseId)> = ["bob", "dave", "erin", "fay"]
            .iter()
            .enumerate()
            .map(|(i, user)| (ticket(&format!("HR-{i}"), user), CaseId::random()))
            .collect();
        store
            .open_cases(&tickets, &Actor::cli(), NOW)
            .await
            .expect("open");
        let ids: Vec<CaseId> = tickets.iter().map(|(_, id)| *id).collect();
        let jobs = store
            .claim_jobs(Duration::from_secs(60), 10, NOW)
            .await
            .expect("claim");
        let lease_of = |case: CaseId| {
            jobs.iter()
                .find(|j| j.case_id == case)
                .map(|j| j.lease.clone())
                .expect("a planning job per case")
        };
        let stolen = Lease {
            token: uuid::Uuid::new_v4(),
            ..lease_of(ids[2])
        };
        let cancel = || {
            vec![Event::Cancelled {
                reason: "rehired".into(),
            }]
        };
        let items = [
            events(ids[0], Some(lease_of(ids[0])), cancel()),
            events(
                ids[1],
                Some(lease_of(ids[1])),
                vec![Event::Approved {
                    steps: vec![StepId::random()],
                }],
            ),
            events(ids[2], Some(stolen), cancel()),
            BatchItem {
                case: ids[3],
                lease: Some(lease_of(ids[3])),
                write: BatchWrite::Note {
                    kind: "approval_requested".into(),
                    data: json!({"steps": []}),
                },
            },
        ];
        let before = count(store, "audit_event").await;
        let results = store
            .record_batch(&items, &Actor::engine(), NOW)
            .await
            .expect("batch");

        assert!(results[0].is_ok(), "{url}: {:?}", results[0]);
        assert!(
            matches!(results[1], Err(StoreError::Domain(_))),
            "{url}: {:?}",
            results[1]
        );
        assert!(
            matches!(results[2], Err(StoreError::LeaseLost(_))),
            "{url}: {:?}",
            results[2]
        );
        assert!(results[3].is_ok(), "{url}: {:?}", results[3]);
        let cases = store.cases(&ids).await.expect("cases");
        let states: Vec<CaseState> = cases
            .into_iter()
            .map(|(_, c)| c.expect("readable").state)
            .collect();
        assert_eq!(
            states,
            [
                CaseState::Cancelled,
                CaseState::Planning,
                CaseState::Planning,
                CaseState::Planning
            ],
            "{url}"
        );
        assert_eq!(
            count(store, "audit_event").await,
            before + 2,
            "one cancel, one note: {url}"
        );
        assert_eq!(
            count(store, "job").await,
            2,
            "the refused items' jobs stay: {url}"
        );
        assert!(
            store.verify_audit().await.expect("verify").broken.is_none(),
            "{url}"
        );
    }
}

#[tokio::test]
async fn items_on_one_case_in_one_batch_apply_in_order() {
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let id = CaseId::random();
        store
            .open_cases(&[(ticket("HR-1", "bob"), id)], &Actor::cli(), NOW)
            .await
            .expect("open");
        let items = [
            events(
                id,
                None,
                vec![Event::Cancelled {
                    reason: "first".into(),
                }],
            ),
            events(
                id,
                None,
                vec![Event::Cancelled {
                    reason: "again".into(),
                }],
            ),
        ];
        let results = store
            .record_batch(&items, &Actor::cli(), NOW)
            .await
            .expect("batch");
        assert!(results[0].is_ok(), "{url}");
        assert!(
            matches!(results[1], Err(StoreError::Domain(_))),
            "the second sees the first: a cancelled case takes no more events: {url}"
        );
    }
}

#[tokio::test]
async fn held_tokens_verdicts_are_kept_even_when_the_outcome_beside_them_is_refused() {
    use leaver_core::HubTokenValue;
    use leaver_store::held_tokens::{HeldState, Verdict};
    use leaver_store::{TokenSealer, TokenStore};
    let (_dir, stores) = stores().await;
    for (store, url) in &stores {
        let case = CaseId::random();
        store
            .open_cases(&[(ticket("HR-1", "bob"), case)], &Actor::cli(), NOW)
            .await
            .expect("open");
        let sealer = TokenSealer::new(&[7; 32]);
        let raw = HubTokenValue::parse("hf_bob_personal_token_42").expect("token");
        store
            .hold_tokens(case, &[raw], &sealer, &Actor::api("scanner"), NOW)
            .await
            .expect("held");
        let held = store.held_tokens(case, &sealer).await.expect("held tokens");
        let settled = |verdict: Verdict| {
            let tokens = held
                .iter()
                .map(|t| leaver_store::HeldToken {
                    state: HeldState::Settled(verdict.clone()),
                    ..t.clone()
                })
                .collect();
            BatchItem {
                case,
                lease: None,
                write: BatchWrite::TokenVerdicts { tokens },
            }
        };
        let lost = Lease {
            id: uuid::Uuid::new_v4(),
            token: uuid::Uuid::new_v4(),
        };
        let cancel = vec![Event::Cancelled {
            reason: "rehired".into(),
        }];
        let items = [settled(Verdict::Revoked), events(case, Some(lost), cancel)];
        let results = store
            .record_batch(&items, &Actor::engine(), NOW)
            .await
            .expect("batch");
        assert!(results[0].is_ok(), "{url}: {:?}", results[0]);
        assert!(
            matches!(results[1], Err(StoreError::LeaseLost(_))),
            "{url}: {:?}",
            results[1]
        );
        // A later run's verdict does not replace the first.
        let again = store
            .record_batch(&[settled(Verdict::Dead)], &Actor::engine(), NOW)
            .await
            .expect("batch");
        assert!(again[0].is_ok(), "{url}");

        let now_held = store.held_tokens(case, &sealer).await.expect("held tokens");
        assert!(
            matches!(now_held[0].state, HeldState::Settled(Verdict::Revoked)),
            "{url}: {:?}",
            now_held[0].state
        );
        let trail = store.audit_events(Some(case)).await.expect("trail");
        let kinds: Vec<&str> = trail.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["case_opened", "tokens_held", "tokens_revoked"],
            "{url}"
        );
        assert_eq!(
            store.case(case).await.expect("case").state,
            CaseState::Planning,
            "{url}"
        );
    }
}
