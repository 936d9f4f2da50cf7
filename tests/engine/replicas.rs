//! Two `leaver serve` replicas on one Postgres database share the work without doing any of it
//! twice.

use crate::support::*;
use leaver_store::scratch;
use std::time::Duration;

const CASES: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_database_carry_out_every_step_once() {
    let Some((store, url)) = scratch::postgres().await.expect("postgres") else {
        println!("skipped: set TEST_POSTGRES_URL to run two replicas on Postgres");
        return;
    };
    let world = World::new(CASES);
    let sim = Sim::spawn(world.seed()).await;
    open_cases(&store, &world).await;
    let logs = tempfile::tempdir().expect("logs");
    let settings = [("LEAVER_WORKERS", "2"), ("LEAVER_BATCH", "8")];
    let mut replicas = [
        Server::new(&url, &sim.url, &logs.path().join("a"), &settings),
        Server::new(&url, &sim.url, &logs.path().join("b"), &settings),
    ];
    for replica in &mut replicas {
        std::fs::create_dir_all(replica.logs()).expect("log dir");
        replica.start();
    }
    drive_to_completion(&store, CASES, Duration::from_secs(120), async |_| {
        for replica in &mut replicas {
            replica.assert_running();
        }
    })
    .await;
    for replica in &mut replicas {
        replica.kill().await;
    }

    assert_each_destructive_write_once(&sim.calls().await, &world.expected_writes());
    assert_offboarded(&sim.state().await, &world.leavers);
    assert_each_step_carried_out_once(&store).await;
}
