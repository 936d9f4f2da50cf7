//! The admin-change lock of an org on Postgres, as two processes see it (two stores connected
//! to one database): one holder per org at a time, orgs apart, released when the guard is
//! dropped or when its holder's connection dies. Skipped (with a notice) without
//! `TEST_POSTGRES_URL`; on SQLite the lock is the engine's alone.

use leaver_store::{OrgLocks, SqlStore, connect, scratch};
use std::time::Duration;
use tokio::sync::oneshot;

/// How long a lock taken elsewhere is given to show up; only bounds a failing test.
const PATIENCE: Duration = Duration::from_secs(20);
/// How long a waiter is watched to see that it does not get a held lock.
const WATCH: Duration = Duration::from_millis(300);

async fn two_replicas() -> Option<(SqlStore, SqlStore)> {
    let Some((a, url)) = scratch::postgres().await.expect("postgres") else {
        println!("skipped: set TEST_POSTGRES_URL to test the org lock on Postgres");
        return None;
    };
    let b = connect(&url).await.expect("second replica");
    Some((a, b))
}

/// Starts taking `org`'s lock on `store` in a task; the receiver fires once it is held, and
/// the task keeps it until `release` fires.
fn wait_for_lock(
    store: SqlStore,
    org: &'static str,
) -> (oneshot::Receiver<()>, oneshot::Sender<()>) {
    let (held_tx, held) = oneshot::channel();
    let (release, release_rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let guard = store.lock_org_admins(org).await.expect("lock");
        let _ = held_tx.send(());
        let _ = release_rx.await;
        drop(guard);
    });
    (held, release)
}

#[tokio::test]
async fn one_replica_at_a_time_holds_an_orgs_lock_and_dropping_it_lets_the_other_in() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let first = a.lock_org_admins("acme-ai").await.expect("lock");
    let other_org = tokio::time::timeout(PATIENCE, b.lock_org_admins("beta-lab")).await;
    drop(
        other_org
            .expect("another org is not held up")
            .expect("lock"),
    );

    let (mut held, _release) = wait_for_lock(b.clone(), "acme-ai");
    tokio::time::sleep(WATCH).await;
    assert!(held.try_recv().is_err(), "b waits while a holds acme-ai");
    drop(first);
    tokio::time::timeout(PATIENCE, held)
        .await
        .expect("b gets the lock once a drops it")
        .expect("held");
}

#[tokio::test]
async fn a_replica_that_dies_holding_the_lock_releases_it() {
    let Some((a, b)) = two_replicas().await else {
        return;
    };
    let (held_by_a, _keep) = wait_for_lock(a.clone(), "acme-ai");
    held_by_a.await.expect("a holds it");
    let (mut held_by_b, _release) = wait_for_lock(b.clone(), "acme-ai");
    tokio::time::sleep(WATCH).await;
    assert!(held_by_b.try_recv().is_err(), "b waits");

    // a's connection dies as it would with its process: the server ends its session.
    let killed: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_locks \
         WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid() \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .fetch_all(a.pool())
    .await
    .expect("terminate");
    assert_eq!(killed, vec![(true,)], "one session held the lock");
    tokio::time::timeout(PATIENCE, held_by_b)
        .await
        .expect("b gets the lock once a's session is gone")
        .expect("held");
}
