//! Why a call is made, as its caller says: the client counts its calls by purpose
//! ([`crate::HubClient::calls_by_purpose`]), so a run can show where its quota went (planning,
//! reads before a write, read-backs, verification). A caller wraps the future that makes the
//! calls in [`for_purpose`]; the innermost wrapper wins. Every call that is not a GET counts as
//! a `write`, whatever it was wrapped in; an unwrapped read counts as `other`.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Mutex;

tokio::task_local! {
    static PURPOSE: &'static str;
}

/// The purpose every write counts under.
pub const WRITE: &str = "write";
/// The purpose of a read nobody named.
pub const OTHER: &str = "other";

/// Runs `future`, counting the Hub reads it makes under `purpose`.
pub async fn for_purpose<F: Future>(purpose: &'static str, future: F) -> F::Output {
    PURPOSE.scope(purpose, future).await
}

/// The purpose of the call being made now, a `write` if `reads` is false.
pub(crate) fn current(reads: bool) -> &'static str {
    if !reads {
        return WRITE;
    }
    PURPOSE.try_with(|p| *p).unwrap_or(OTHER)
}

/// Calls counted by purpose.
#[derive(Debug, Default)]
pub(crate) struct Tally(Mutex<BTreeMap<&'static str, u64>>);

impl Tally {
    pub(crate) fn count(&self, purpose: &'static str) {
        let mut tally = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *tally.entry(purpose).or_default() += 1;
    }

    pub(crate) fn snapshot(&self) -> BTreeMap<&'static str, u64> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_innermost_purpose_counts_and_writes_are_writes() {
        assert_eq!(current(true), OTHER);
        let (outer, inner, write) = for_purpose("verify", async {
            let inner = for_purpose("read-back", async { current(true) }).await;
            (current(true), inner, current(false))
        })
        .await;
        assert_eq!((outer, inner, write), ("verify", "read-back", WRITE));
    }
}
