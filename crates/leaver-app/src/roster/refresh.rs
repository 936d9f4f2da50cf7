//! The roster's background refresh: reads every managed org afresh (one shared pass, the
//! engine's org index) and stores the read (`leaver_store::roster::RosterStore::save_roster_read`),
//! so the roster page, its CSV and the dashboard reconcile against stored data and a page
//! request never reads the Hub. A running Leaver refreshes when an operator asks (the page's
//! button) and whenever the last attempt is older than [`READ_EVERY`]
//! (`Leaver::start_workers` runs [`follow`]); `leaver roster report` reads at once.

use crate::{Clock, Error, Leaver, Result};
use leaver_engine::Engine;
use leaver_store::SqlStore;
use leaver_store::roster::{RosterRead, RosterReadState, RosterStore};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::watch;

/// How old the last attempt may grow before the background reads the orgs again.
pub const READ_EVERY: time::Duration = time::Duration::minutes(30);

/// How often the background looks whether a refresh is due (a query, no Hub call).
const LOOK_EVERY: Duration = Duration::from_secs(2);

/// Reads the orgs now and stores the read (or, when the Hub cannot be read, why not).
async fn read_now(engine: &Engine, store: &SqlStore, clock: &dyn Clock) -> Result<()> {
    let started = clock.now();
    let index = engine.index();
    index.invalidate().await;
    match index.snapshot(started).await {
        Ok(snapshot) => {
            let read = RosterRead {
                read_at: snapshot.read_at,
                orgs: snapshot.orgs.clone(),
            };
            store.save_roster_read(&read, started).await?;
            Ok(())
        }
        Err(e) => {
            let why = format!("the Hub could not be read: {e}");
            store.roster_read_failed(started, clock.now(), &why).await?;
            Err(Error::Unavailable(why))
        }
    }
}

/// Whether a refresh is due at `now`: one was asked for, or the last attempt (good or failed)
/// is older than [`READ_EVERY`], or there was none.
fn due(state: &RosterReadState, now: OffsetDateTime) -> bool {
    let last_attempt = [
        state.last.as_ref().map(|r| r.read_at),
        state.failure.as_ref().map(|(at, _)| *at),
    ]
    .into_iter()
    .flatten()
    .max();
    state.requested_at.is_some() || last_attempt.is_none_or(|at| now - at >= READ_EVERY)
}

/// One pass of the background: refreshes when due. `true` when it read the orgs.
async fn refresh_if_due(engine: &Engine, store: &SqlStore, clock: &dyn Clock) -> Result<bool> {
    if !due(&store.roster_read().await?, clock.now()) {
        return Ok(false);
    }
    read_now(engine, store, clock).await?;
    Ok(true)
}

/// Refreshes whenever due, until `stop` turns true.
pub(crate) async fn follow(
    engine: Arc<Engine>,
    store: Arc<SqlStore>,
    clock: Arc<dyn Clock>,
    mut stop: watch::Receiver<bool>,
) {
    while !*stop.borrow() {
        if let Err(error) = refresh_if_due(&engine, &store, clock.as_ref()).await {
            tracing::warn!(%error, "the roster's refresh failed");
        }
        let _ = tokio::time::timeout(LOOK_EVERY, stop.changed()).await;
    }
}

impl Leaver {
    /// Asks the background to read the orgs again (the page shows "refreshing…" until done).
    pub async fn request_roster_refresh(&self) -> Result<()> {
        self.running()?;
        self.store.request_roster_read(self.now()).await?;
        Ok(())
    }

    /// Reads the orgs now and stores the read (for `leaver roster report` and benches).
    pub async fn refresh_roster(&self) -> Result<()> {
        let engine = &self.running()?.engine;
        read_now(engine, &self.store, self.clock.as_ref()).await
    }

    /// One pass of the background refresh (what [`follow`] does every few seconds): reads the
    /// orgs when a refresh was asked for or the last read is old. `true` when it read them.
    /// Tests drive the refresh with it, as they drive the engine's jobs.
    pub async fn run_roster_refresh_if_due(&self) -> Result<bool> {
        let engine = &self.running()?.engine;
        refresh_if_due(engine, &self.store, self.clock.as_ref()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-02 12:00 UTC);

    fn read_at(at: OffsetDateTime) -> Option<RosterRead> {
        Some(RosterRead {
            read_at: at,
            orgs: Vec::new(),
        })
    }

    #[test]
    fn due_when_never_read_asked_for_or_old() {
        assert!(due(&RosterReadState::default(), NOW));
        let fresh = RosterReadState {
            last: read_at(NOW - time::Duration::minutes(5)),
            ..RosterReadState::default()
        };
        assert!(!due(&fresh, NOW));
        let asked = RosterReadState {
            requested_at: Some(NOW),
            ..fresh.clone()
        };
        assert!(due(&asked, NOW));
        let old = RosterReadState {
            last: read_at(NOW - READ_EVERY),
            ..RosterReadState::default()
        };
        assert!(due(&old, NOW));
        // A failure just now waits its turn, even with an old good read.
        let failed = RosterReadState {
            failure: Some((NOW - time::Duration::minutes(1), "down".into())),
            ..old
        };
        assert!(!due(&failed, NOW));
    }
}
