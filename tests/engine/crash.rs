//! `leaver serve` killed with SIGKILL at random moments, right after the Hub answered one of
//! its writes, and started again: every case completes and no Hub write is carried out twice.

use crate::support::*;
use leaver_store::{Store, scratch};
use rand::Rng;
use serde_json::json;
use std::time::Duration;

const CASES: usize = 50;
const KILLS: usize = 5;

/// The writes that watching for a kill moment counts: a role change or a removal, the writes
/// whose repetition would show as a second success on the same path.
const MEMBER_WRITES: [&str; 2] = [
    "PUT /api/organizations/{org}/members/{user}/role",
    "DELETE /api/organizations/{org}/members/{user}",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_server_at_random_moments_loses_no_case_and_repeats_no_hub_write() {
    let dir = tempfile::tempdir().expect("dir");
    for (store, url) in scratch::all(dir.path()).await.expect("stores") {
        let logs = tempfile::tempdir().expect("logs");
        crash_run(&store, &url, logs.path()).await;
    }
}

async fn crash_run(store: &leaver_store::SqlStore, url: &str, logs: &std::path::Path) {
    let world = World::new(CASES);
    let sim = Sim::spawn(world.seed()).await;
    // A little latency on every Hub call widens the window between a write and the record of
    // its outcome, the window a crash must not turn into a second write.
    sim.set_faults(json!({"latency_ms": 20})).await;
    open_cases(store, &world).await;
    let mut server = Server::new(
        url,
        &sim.url,
        logs,
        &[
            ("LEAVER_LEASE_SECS", "2"),
            ("LEAVER_WORKERS", "2"),
            ("LEAVER_BATCH", "8"),
        ],
    );
    server.start();
    let member_writes: u32 = world
        .expected_writes()
        .iter()
        .filter(|(key, _)| !key.starts_with("POST"))
        .map(|(_, n)| n)
        .sum();
    let kill_after = kill_moments(u64::from(member_writes));
    let mut kills = 0;
    drive_to_completion(store, CASES, Duration::from_secs(150), async |_| {
        server.assert_running();
        // Watch the Hub closely between two rounds of approvals, so that a kill follows the
        // write that crossed its threshold within milliseconds.
        for _ in 0..20 {
            if kills < KILLS && sim.writes_on(&MEMBER_WRITES).await >= kill_after[kills] {
                server.kill().await;
                kills += 1;
                server.start();
            }
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
    })
    .await;
    server.kill().await;
    assert_eq!(
        kills, KILLS,
        "every kill happened before the cases completed"
    );

    let calls = sim.calls().await;
    assert_each_destructive_write_once(&calls, &world.expected_writes());
    assert_offboarded(&sim.state().await, &world.leavers);
    assert_each_step_carried_out_once(store).await;
    assert!(
        steps_found_already_done(store).await > 0,
        "no kill landed between a Hub write and the record of its outcome, so the test proved nothing"
    );
}

/// `KILLS` random counts of member writes, in order, spread over the first half of the run so
/// that each kill lands in the middle of work.
fn kill_moments(writes: u64) -> Vec<u64> {
    let mut rng = rand::rng();
    let span = (writes / 2 / KILLS as u64).max(2);
    let moments: Vec<u64> = (0..KILLS as u64)
        .map(|k| k * span + rng.random_range(1..span))
        .collect();
    println!("killing after these counts of member writes: {moments:?}");
    moments
}

/// Steps whose outcome record says the Hub already showed them done: their write went through
/// before a kill and was never recorded, so the restarted server read the Hub instead of
/// writing again.
async fn steps_found_already_done(store: &leaver_store::SqlStore) -> usize {
    let trail = store.audit_events(None).await.expect("trail");
    let notes: Vec<&str> = trail
        .iter()
        .filter(|r| r.kind == "step_succeeded")
        .filter_map(|r| r.data["event"]["note"].as_str())
        .filter(|note| {
            note.contains("already has no access") || note.contains("is not a member of")
        })
        .collect();
    println!(
        "{} steps found their write already done after a kill",
        notes.len()
    );
    notes.len()
}
