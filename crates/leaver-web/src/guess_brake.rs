//! A brake on guessing, per address: approval links (256-bit secrets, so guessing cannot work;
//! the brake keeps a guesser from costing the database anything either) and passwords.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts attempts per address in one-minute windows. An attempt is counted before the work it
/// guards (a lookup, a password check) and forgiven after, if it turned out legitimate: attempts
/// sent side by side cannot all slip in under the allowance while the first are still at work.
#[derive(Debug, Default)]
pub struct GuessBrake {
    table: Mutex<Table>,
}

#[derive(Debug, Default)]
struct Table {
    hits: HashMap<IpAddr, (Instant, u32)>,
    /// When windows that ran out were last forgotten.
    pruned_at: Option<Instant>,
}

/// Unknown links one address may try per minute.
const GUESSES_PER_MINUTE: u32 = 20;
/// The window the allowance counts in.
const WINDOW: Duration = Duration::from_secs(60);
/// Past this many addresses, windows that ran out are forgotten, at most once per window (so a
/// flood of addresses costs one sweep a minute, not one per request).
const PRUNE_FROM: usize = 1024;

impl GuessBrake {
    /// Counts an attempt from `ip`; false once the address is over its allowance.
    pub fn count_attempt(&self, ip: IpAddr) -> bool {
        self.count_attempt_at(ip, Instant::now())
    }

    /// Takes back one counted attempt of `ip`: it found what it looked for.
    pub fn forgive(&self, ip: IpAddr) {
        if let Some((_, n)) = self.lock().hits.get_mut(&ip) {
            *n = n.saturating_sub(1);
        }
    }

    fn count_attempt_at(&self, ip: IpAddr, now: Instant) -> bool {
        let mut table = self.lock();
        let due = table
            .pruned_at
            .is_none_or(|at| now.saturating_duration_since(at) > WINDOW);
        if table.hits.len() >= PRUNE_FROM && due {
            table
                .hits
                .retain(|_, (start, _)| now.saturating_duration_since(*start) <= WINDOW);
            table.pruned_at = Some(now);
        }
        let entry = table.hits.entry(ip).or_insert((now, 0));
        if now.saturating_duration_since(entry.0) > WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= GUESSES_PER_MINUTE
    }

    /// Whether `ip` is over its allowance right now (checked before any lookup).
    pub fn is_braked(&self, ip: IpAddr) -> bool {
        self.lock()
            .hits
            .get(&ip)
            .is_some_and(|(start, n)| start.elapsed() <= WINDOW && *n > GUESSES_PER_MINUTE)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
            assert!(brake.count_attempt(ip(1)));
        }
        assert!(!brake.is_braked(ip(1)));
        assert!(!brake.count_attempt(ip(1)));
        assert!(brake.is_braked(ip(1)));
        assert!(!brake.is_braked(ip(2)), "others are not");
    }

    #[test]
    fn a_forgiven_attempt_does_not_count() {
        let brake = GuessBrake::default();
        for _ in 0..GUESSES_PER_MINUTE * 3 {
            assert!(brake.count_attempt(ip(1)));
            brake.forgive(ip(1));
        }
        assert!(!brake.is_braked(ip(1)));
    }

    #[test]
    fn addresses_whose_window_ran_out_are_forgotten_once_a_window() {
        let brake = GuessBrake::default();
        let start = Instant::now();
        for n in 0..PRUNE_FROM as u32 {
            brake.count_attempt_at(ip(n), start);
        }
        let later = start + WINDOW * 2;
        assert!(
            brake.count_attempt_at(ip(900_000), later),
            "the table is pruned here"
        );
        assert_eq!(brake.lock().hits.len(), 1, "only the fresh address stays");
        for n in 0..PRUNE_FROM as u32 {
            brake.count_attempt_at(ip(n), later);
        }
        let soon = later + WINDOW / 2;
        brake.count_attempt_at(ip(900_001), soon);
        assert_eq!(
            brake.lock().hits.len(),
            PRUNE_FROM + 2,
            "no second sweep within the window"
        );
    }
}
