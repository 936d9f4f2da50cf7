//! What approval pages need beyond the store: how to mint a fresh link, and a brake on
//! guessing. Link secrets are 256-bit, so guessing cannot work; the brake keeps a guesser from
//! costing the database anything either.

use leaver_store::approvals::LinkMinter;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Minting for "send me a fresh link".
#[derive(Clone, Debug)]
pub struct ApprovalLinks {
    pub minter: Arc<dyn LinkMinter>,
    pub lifetime: Duration,
}

/// Counts unknown-link hits per address in one-minute windows.
#[derive(Debug, Default)]
pub struct GuessBrake {
    hits: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// Unknown links one address may try per minute.
const GUESSES_PER_MINUTE: u32 = 20;

impl GuessBrake {
    /// Records a miss from `ip`; false once the address is over its allowance.
    pub fn allow_miss(&self, ip: IpAddr) -> bool {
        let mut hits = self
            .hits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let entry = hits.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) > Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= GUESSES_PER_MINUTE
    }

    /// Whether `ip` is over its allowance right now (checked before any lookup).
    pub fn is_braked(&self, ip: IpAddr) -> bool {
        let hits = self
            .hits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        hits.get(&ip).is_some_and(|(start, n)| {
            start.elapsed() <= Duration::from_secs(60) && *n > GUESSES_PER_MINUTE
        })
    }
}
