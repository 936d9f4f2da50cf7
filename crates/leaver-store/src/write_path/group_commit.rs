//! Group commit for approval decisions. Each caller queues its decision and waits; the first
//! one to find nobody writing starts a writer task, which takes everything queued, decides it
//! in one transaction ([`crate::approvals::batch`]), answers each caller, and goes on until the
//! queue is empty. Under load, decisions that arrive while a batch is written go together in
//! the next one; alone, a decision is written at once, as before.
//!
//! The writer is a task of its own, so a caller that goes away (a closed connection drops its
//! request) never cuts a batch short for the others.

use crate::StoreError;
use crate::approvals::Decided;
use crate::approvals::batch::{DecisionIn, decide_batch};
use sqlx::AnyPool;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::oneshot;

/// At most this many decisions per transaction (6 values each in one multi-row statement).
const MAX_BATCH: usize = 128;

type Reply = oneshot::Sender<Result<Decided, StoreError>>;

/// Decisions waiting to be written.
#[derive(Debug, Default)]
pub(crate) struct DecisionQueue {
    state: Mutex<Queue>,
}

#[derive(Debug, Default)]
struct Queue {
    pending: Vec<(DecisionIn, Reply)>,
    /// Whether a writer task is running (it empties the queue before it stops).
    writing: bool,
}

impl DecisionQueue {
    /// Queues `item`, has it written with whatever else is queued, and returns its outcome.
    pub(crate) async fn decide(
        self: &Arc<Self>,
        pool: &AnyPool,
        item: DecisionIn,
    ) -> Result<Decided, StoreError> {
        let (reply, answer) = oneshot::channel();
        let start = {
            let mut queue = self.lock();
            queue.pending.push((item, reply));
            !std::mem::replace(&mut queue.writing, true)
        };
        if start {
            tokio::spawn(write_all(self.clone(), pool.clone()));
        }
        // The writer always answers, unless its runtime shut down under it.
        answer
            .await
            .map_err(|_| StoreError::Database(sqlx::Error::WorkerCrashed))?
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Writes batches until the queue is empty.
async fn write_all(queue: Arc<DecisionQueue>, pool: AnyPool) {
    let mut stopped = Stopped {
        queue: &queue,
        done: false,
    };
    loop {
        let batch: Vec<(DecisionIn, Reply)> = {
            let mut state = queue.lock();
            if state.pending.is_empty() {
                state.writing = false;
                stopped.done = true;
                return;
            }
            let n = state.pending.len().min(MAX_BATCH);
            state.pending.drain(..n).collect()
        };
        let (items, replies): (Vec<DecisionIn>, Vec<Reply>) = batch.into_iter().unzip();
        let results = decide_each(&pool, &items).await;
        for (reply, result) in replies.into_iter().zip(results) {
            // A caller that went away no longer needs its answer; its decision stands.
            let _ = reply.send(result);
        }
    }
}

/// Decides `items` together; if that transaction fails, each on its own, so that one item's
/// failure is its own.
async fn decide_each(pool: &AnyPool, items: &[DecisionIn]) -> Vec<Result<Decided, StoreError>> {
    match decide_batch(pool, items).await {
        Ok(results) => results,
        Err(error) if items.len() == 1 => vec![Err(error)],
        Err(error) => {
            tracing::warn!(%error, decisions = items.len(), "a batch of decisions failed; deciding each alone");
            let mut results = Vec::with_capacity(items.len());
            for item in items {
                results.push(match decide_batch(pool, std::slice::from_ref(item)).await {
                    Ok(mut one) => one.pop().unwrap_or(Ok(Decided::Unknown)),
                    Err(error) => Err(error),
                });
            }
            results
        }
    }
}

/// If the writer task is dropped mid-way (its runtime shut down), lets the next caller start
/// a new one, and fails the decisions still queued rather than leaving them waiting.
struct Stopped<'a> {
    queue: &'a DecisionQueue,
    done: bool,
}

impl Drop for Stopped<'_> {
    fn drop(&mut self) {
        if !self.done {
            let mut state = self.queue.lock();
            state.writing = false;
            state.pending.clear();
        }
    }
}
