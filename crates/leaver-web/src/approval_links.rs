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
/// The window the allowance counts in.
const WINDOW: Duration = Duration::from_secs(60);
/// Past this many addresses, windows that ran out are forgotten (each time the table's size
/// reaches a power of two, so that a flood of addresses costs amortized constant time).
const PRUNE_FROM: usize = 1024;

impl GuessBrake {
    /// Records a miss from `ip`; false once the address is over its allowance.
    pub fn allow_miss(&self, ip: IpAddr) -> bool {
        let mut hits = self
            .hits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if hits.len() >= PRUNE_FROM && hits.len().is_power_of_two() {
            hits.retain(|_, (start, _)| now.duration_since(*start) <= WINDOW);
        }
        let entry = hits.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) > WINDOW {
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
        hits.get(&ip)
            .is_some_and(|(start, n)| start.elapsed() <= WINDOW && *n > GUESSES_PER_MINUTE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn ip(n: u32) -> IpAddr {
        IpAddr::V4(Ipv4Addr::from(n))
    }

    #[test]
    fn an_address_is_braked_after_its_allowance() {
        let brake = GuessBrake::default();
        for _ in 0..GUESSES_PER_MINUTE {
            assert!(brake.allow_miss(ip(1)));
        }
        assert!(!brake.is_braked(ip(1)));
        assert!(!brake.allow_miss(ip(1)));
        assert!(brake.is_braked(ip(1)));
        assert!(!brake.is_braked(ip(2)), "others are not");
    }

    #[test]
    fn addresses_whose_window_ran_out_are_forgotten() {
        let brake = GuessBrake::default();
        let long_ago = Instant::now()
            .checked_sub(WINDOW * 2)
            .expect("a monotonic clock older than two minutes");
        {
            let mut hits = brake.hits.lock().expect("lock");
            for n in 0..(PRUNE_FROM as u32 - 1) {
                hits.insert(ip(n), (long_ago, GUESSES_PER_MINUTE + 1));
            }
        }
        assert!(!brake.is_braked(ip(0)), "an old window brakes nobody");
        assert!(brake.allow_miss(ip(900_000)));
        assert!(brake.allow_miss(ip(900_001)), "the table is pruned here");
        let left = brake.hits.lock().expect("lock").len();
        assert_eq!(left, 2, "only the two fresh addresses stay");
    }
}
