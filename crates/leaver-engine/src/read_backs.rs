//! Read-backs that the writes of one batch share. A step reads the Hub back after its write to
//! know the write took effect; when sixteen jobs of a batch remove sixteen members of one org,
//! one read of the org's member list taken after the last of those writes shows all sixteen, for
//! two calls instead of sixteen.
//!
//! A job marks its write ([`ReadBack::writing`]) before sending it and keeps the mark until the
//! Hub answers. Its read-back ([`ReadBack::after`]) then waits until no write on the same list
//! is in flight and shares the one read started at that moment: a read serves a write only if
//! it started after that write was answered, so it never shows the list as it was before it.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::{Notify, OnceCell};

/// Read-backs of one kind of list (`K` names a list, `V` is what reading it gives).
#[derive(Debug)]
pub(crate) struct ReadBack<K, V> {
    lists: Mutex<HashMap<K, List<V>>>,
    settled: Notify,
}

#[derive(Debug)]
struct List<V> {
    /// Writes started on the list so far; a write's number is the count when it started.
    started: u64,
    in_flight: usize,
    /// The latest read and how many writes had started (and all been answered) when it began.
    read: Option<(u64, Arc<OnceCell<Arc<V>>>)>,
}

impl<V> Default for List<V> {
    fn default() -> Self {
        List {
            started: 0,
            in_flight: 0,
            read: None,
        }
    }
}

/// A write in flight on a list; dropping it (the Hub answered, or the write failed) lets the
/// list's read-backs go ahead.
#[must_use = "hold it until the write is answered"]
pub(crate) struct Writing<'r, K: Eq + Hash + Clone, V> {
    read_back: &'r ReadBack<K, V>,
    key: K,
    number: u64,
}

/// A write that was answered: its number orders it against reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Written(u64);

impl<K: Eq + Hash + Clone, V> Default for ReadBack<K, V> {
    fn default() -> Self {
        ReadBack {
            lists: Mutex::default(),
            settled: Notify::new(),
        }
    }
}

impl<K: Eq + Hash + Clone, V> ReadBack<K, V> {
    /// Marks a write on `key`'s list as started.
    pub(crate) fn writing(&self, key: K) -> Writing<'_, K, V> {
        let mut lists = self.lock();
        let list = lists.entry(key.clone()).or_default();
        list.started += 1;
        list.in_flight += 1;
        Writing {
            read_back: self,
            number: list.started,
            key,
        }
    }

    /// The list as read after `written` and every write on it in flight meanwhile: the first
    /// job to ask once none is in flight starts the read (`read`), the others share it. A
    /// failed read is not kept: the next asker reads again.
    pub(crate) async fn after<F, Fut, E>(
        &self,
        key: K,
        written: Written,
        read: F,
    ) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let cell = loop {
            let settled = self.settled.notified();
            tokio::pin!(settled);
            {
                let mut lists = self.lock();
                let list = lists.entry(key.clone()).or_default();
                match &list.read {
                    Some((covers, cell)) if *covers >= written.0 => break cell.clone(),
                    _ if list.in_flight == 0 => {
                        let cell = Arc::new(OnceCell::new());
                        list.read = Some((list.started, cell.clone()));
                        break cell;
                    }
                    _ => {
                        settled.as_mut().enable();
                    }
                }
            }
            settled.await;
        };
        cell.get_or_try_init(|| async { read().await.map(Arc::new) })
            .await
            .cloned()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, List<V>>> {
        self.lists.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<K: Eq + Hash + Clone, V> Writing<'_, K, V> {
    /// The write was answered (whatever the answer).
    pub(crate) fn answered(self) -> Written {
        Written(self.number)
    }
}

impl<K: Eq + Hash + Clone, V> Drop for Writing<'_, K, V> {
    fn drop(&mut self) {
        let mut lists = self.read_back.lock();
        if let Some(list) = lists.get_mut(&self.key) {
            list.in_flight -= 1;
            if list.in_flight == 0 {
                self.read_back.settled.notify_waiters();
            }
        }
    }
}

#[cfg(test)]
#[expect(
    clippy::unwrap_used,
    reason = "tests: a failure should stop them loudly"
)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    async fn read(reads: &AtomicU32) -> Result<u32, ()> {
        Ok(reads.fetch_add(1, Ordering::SeqCst) + 1)
    }

    #[tokio::test]
    async fn writes_answered_together_share_one_read_taken_after_the_last() {
        let backs: ReadBack<&str, u32> = ReadBack::default();
        let reads = AtomicU32::new(0);
        let (a, b) = (backs.writing("org"), backs.writing("org"));
        let a = a.answered();
        // `a` waits for `b`, still in flight; `b` is answered a moment later.
        let first = backs.after("org", a, || read(&reads));
        let second = async {
            tokio::task::yield_now().await;
            let b = b.answered();
            backs.after("org", b, || read(&reads)).await
        };
        let (first, second) = tokio::join!(first, second);
        assert_eq!((*first.unwrap(), *second.unwrap()), (1, 1));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_write_started_after_a_read_began_gets_a_read_of_its_own() {
        let backs: ReadBack<&str, u32> = ReadBack::default();
        let reads = AtomicU32::new(0);
        let a = backs.writing("org").answered();
        assert_eq!(*backs.after("org", a, || read(&reads)).await.unwrap(), 1);
        let b = backs.writing("org").answered();
        assert_eq!(*backs.after("org", b, || read(&reads)).await.unwrap(), 2);
        // `a` may use the newer read too.
        assert_eq!(*backs.after("org", a, || read(&reads)).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn lists_do_not_wait_for_each_other_and_a_failed_read_is_not_kept() {
        let backs: ReadBack<&str, u32> = ReadBack::default();
        let _busy = backs.writing("other");
        let a = backs.writing("org").answered();
        let failed: Result<Arc<u32>, &str> = backs.after("org", a, || async { Err("503") }).await;
        assert!(failed.is_err());
        let reads = AtomicU32::new(0);
        assert_eq!(*backs.after("org", a, || read(&reads)).await.unwrap(), 1);
    }
}
