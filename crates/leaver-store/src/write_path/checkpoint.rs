//! SQLite checkpoints off the write path. In WAL mode a commit that crosses the autocheckpoint
//! threshold copies the log back into the database and syncs it before it returns: the slowest
//! commits of a run, and an approver's request waiting behind one. So the writing connection
//! never checkpoints (`wal_autocheckpoint = 0`); this task does, every [`EVERY`], on a reading
//! connection, with `PRAGMA wal_checkpoint(PASSIVE)`, which neither waits for the writer nor
//! blocks it. It stops when the last handle of its store is dropped.

use sqlx::AnyPool;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often the log is copied back.
const EVERY: Duration = Duration::from_millis(250);

/// The running task; dropping it stops the task.
#[derive(Debug)]
pub(crate) struct Checkpointer(JoinHandle<()>);

impl Checkpointer {
    /// Starts checkpointing the database of `pool`.
    pub(crate) fn start(pool: AnyPool) -> Checkpointer {
        Checkpointer(tokio::spawn(async move {
            let mut every = tokio::time::interval(EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(%error, "checkpointing the SQLite log failed");
                }
            }
        }))
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.0.abort();
    }
}
