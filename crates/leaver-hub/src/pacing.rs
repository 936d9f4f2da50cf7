//! Pacing: spend the Hub's rate-limit window without ever running into a 429.
//!
//! The Hub sends `RateLimit` (remaining calls `r`, seconds to reset `t`) and `RateLimit-Policy`
//! (quota `q`) on every response. One [`Pacer`] is shared by every clone of a client. Each send
//! takes a [`Permit`] first, which spends one call of the current window; when none are left,
//! callers wait until the window resets (plus a margin) instead of sending.
//!
//! Counting is local and exact for our own calls: each permit counts as used the moment it is
//! taken, so concurrent callers cannot overshoot. The server's numbers correct us when someone
//! else uses the same quota (`q - r` above our own count), tell us when windows start and end,
//! and win outright when they say `r=0`. Until the first response of a window has arrived only
//! one call (the probe) is sent, so an unknown quota is never overshot either.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::rate_limit::RateLimitInfo;

/// Two reset estimates closer than this belong to the same window: `t` is rounded to whole
/// seconds and responses take a while to arrive.
const SAME_WINDOW: Duration = Duration::from_secs(2);

/// Longest wait for a probe's answer before looking at the state again.
const PROBE_WAIT: Duration = Duration::from_secs(1);

/// The shared rate-limit budget of one client (and all its clones).
#[derive(Debug)]
pub(crate) struct Pacer {
    state: Mutex<State>,
    changed: Notify,
    margin: Duration,
}

#[derive(Debug, Default)]
struct State {
    /// `q` from `RateLimit-Policy`, once seen.
    quota: Option<u64>,
    /// Calls we may still send in this window; `None` until a response of the window is seen.
    remaining: Option<u64>,
    /// When the current window is expected to reset.
    reset_at: Option<Instant>,
    /// Calls counted against this window: ours, plus others' when the server says so.
    used: u64,
    /// Permits taken and not yet settled.
    in_flight: u64,
    /// A probe is out while `remaining` is unknown.
    probing: bool,
    /// The server sends no rate-limit headers: nothing to pace by.
    unpaced: bool,
}

enum Decision {
    Go { probe: bool },
    WaitUntil(Instant),
    WaitForProbe,
}

impl State {
    fn decide(&mut self, now: Instant, margin: Duration) -> Decision {
        if self.unpaced {
            self.in_flight += 1;
            return Decision::Go { probe: false };
        }
        if self.remaining == Some(0) {
            match self.reset_at {
                Some(reset) if now < reset + margin => return Decision::WaitUntil(reset + margin),
                // The window has reset: the next response tells how much the new one holds.
                _ => self.remaining = None,
            }
        }
        match self.remaining {
            Some(n) => {
                self.remaining = Some(n - 1);
                self.used += 1;
                self.in_flight += 1;
                Decision::Go { probe: false }
            }
            None if self.probing => Decision::WaitForProbe,
            None => {
                self.probing = true;
                self.in_flight += 1;
                Decision::Go { probe: true }
            }
        }
    }

    fn release(&mut self, probe: bool) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if probe {
            self.probing = false;
        }
    }

    fn observe(&mut self, info: Option<RateLimitInfo>, probe: bool, now: Instant) {
        let Some(info) = info else {
            // A probe came back without headers: this server does not rate-limit us.
            if probe && self.remaining.is_none() {
                self.unpaced = true;
            }
            return;
        };
        self.unpaced = false;
        if let Some(policy) = info.policy {
            self.quota = Some(policy.quota);
        }
        let r = info.limit.remaining;
        let estimate = now + info.limit.reset;
        let others = self.in_flight;
        match self.reset_at {
            Some(current) if estimate + SAME_WINDOW < current => {} // stale: an older window
            _ if r == 0 => {
                self.remaining = Some(0);
                self.reset_at = Some(self.reset_at.map_or(estimate, |c| c.max(estimate)).max(now));
            }
            Some(current) if estimate <= current + SAME_WINDOW => {
                if let Some(remaining) = self.remaining {
                    self.reset_at = Some(current.max(estimate));
                    self.remaining = Some(match self.quota {
                        Some(q) => {
                            self.used = self.used.max(q.saturating_sub(r));
                            q.saturating_sub(self.used).min(remaining)
                        }
                        None => remaining.min(r.saturating_sub(others)),
                    });
                }
                // else: the window rolled over locally and this answer is from the old one.
            }
            _ => {
                // First answer of a new window; calls still in flight may count against it.
                self.reset_at = Some(estimate);
                self.remaining = Some(r.saturating_sub(others));
                self.used = self.quota.map_or(0, |q| q.saturating_sub(r)) + others;
            }
        }
    }
}

impl Pacer {
    /// A pacer that waits `margin` past each expected window reset.
    pub(crate) fn new(margin: Duration) -> Self {
        Self {
            state: Mutex::new(State::default()),
            changed: Notify::new(),
            margin,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wait until a call may be sent in the current window, and count it.
    pub(crate) async fn acquire(&self) -> Permit<'_> {
        loop {
            // Registered before reading the state, so no change can slip by unnoticed.
            let changed = self.changed.notified();
            let decision = self.lock().decide(Instant::now(), self.margin);
            match decision {
                Decision::Go { probe } => {
                    return Permit {
                        pacer: self,
                        probe,
                        settled: false,
                    };
                }
                Decision::WaitUntil(when) => {
                    tracing::debug!(
                        wait_ms = %when.saturating_duration_since(Instant::now()).as_millis(),
                        "rate-limit window spent, waiting for reset"
                    );
                    tokio::select! {
                        () = tokio::time::sleep_until(when) => {}
                        () = changed => {}
                    }
                }
                Decision::WaitForProbe => {
                    let _ = tokio::time::timeout(PROBE_WAIT, changed).await;
                }
            }
        }
    }

    /// Calls still allowed in the current window, if known (for tests and metrics).
    #[cfg_attr(not(test), expect(dead_code, reason = "used by tests"))]
    pub(crate) fn remaining(&self) -> Option<u64> {
        self.lock().remaining
    }
}

/// The right to send one call; settle it with the response's headers.
///
/// Dropping it unsettled (a network error, a cancelled future) just gives the slot back to
/// the books as "no news".
#[derive(Debug)]
pub(crate) struct Permit<'a> {
    pacer: &'a Pacer,
    probe: bool,
    settled: bool,
}

impl Permit<'_> {
    /// Record what the server said about the rate limit in its response.
    pub(crate) fn settle(mut self, info: Option<RateLimitInfo>) {
        self.settled = true;
        {
            let mut state = self.pacer.lock();
            state.release(self.probe);
            state.observe(info, self.probe, Instant::now());
        }
        self.pacer.changed.notify_waiters();
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.pacer.lock().release(self.probe);
            self.pacer.changed.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests;
