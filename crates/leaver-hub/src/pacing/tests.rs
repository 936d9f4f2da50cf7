//! Pacer tests on tokio's paused clock, including a simulated fixed-window server.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::*;
use crate::rate_limit::{RateLimit, RateLimitPolicy};

const MARGIN: Duration = Duration::from_secs(1);

fn info(remaining: u64, reset_secs: u64, quota: Option<u64>) -> Option<RateLimitInfo> {
    Some(RateLimitInfo {
        limit: RateLimit {
            remaining,
            reset: Duration::from_secs(reset_secs),
        },
        policy: quota.map(|quota| RateLimitPolicy {
            quota,
            window: None,
        }),
    })
}

#[tokio::test(start_paused = true)]
async fn the_first_call_probes_and_concurrent_callers_wait_for_its_answer() {
    let pacer = Arc::new(Pacer::new(MARGIN));
    let probe = pacer.acquire().await;
    let waiter = {
        let pacer = Arc::clone(&pacer);
        tokio::spawn(async move {
            let permit = pacer.acquire().await;
            permit.settle(info(8, 10, Some(10)));
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !waiter.is_finished(),
        "a second caller must wait for the probe"
    );
    probe.settle(info(9, 10, Some(10)));
    waiter.await.expect("waiter");
    assert_eq!(pacer.remaining(), Some(8));
}

#[tokio::test(start_paused = true)]
async fn calls_stop_when_the_window_is_spent_and_resume_after_reset_plus_margin() {
    let pacer = Pacer::new(MARGIN);
    let start = Instant::now();
    pacer.acquire().await.settle(info(2, 10, Some(3)));
    pacer.acquire().await.settle(info(1, 10, Some(3)));
    pacer.acquire().await.settle(info(0, 10, Some(3)));
    assert_eq!(pacer.remaining(), Some(0));
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "the quota itself is spent without waiting"
    );
    let permit = pacer.acquire().await;
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(11),
        "waits for reset plus margin"
    );
    permit.settle(info(2, 10, Some(3)));
    assert_eq!(pacer.remaining(), Some(2));
}

#[tokio::test(start_paused = true)]
async fn our_own_count_stops_us_before_the_server_says_zero() {
    let pacer = Pacer::new(MARGIN);
    pacer.acquire().await.settle(info(2, 10, Some(3)));
    // Two more permits taken concurrently, answers not back yet: the window is spent locally.
    let a = pacer.acquire().await;
    let b = pacer.acquire().await;
    assert_eq!(pacer.remaining(), Some(0));
    let fourth = tokio::time::timeout(Duration::from_secs(5), pacer.acquire()).await;
    assert!(fourth.is_err(), "no fourth call inside the window");
    drop((a, b));
}

#[tokio::test(start_paused = true)]
async fn a_server_count_above_ours_shrinks_the_budget() {
    let pacer = Pacer::new(MARGIN);
    pacer.acquire().await.settle(info(99, 300, Some(100)));
    assert_eq!(pacer.remaining(), Some(99));
    // Someone else with the same token spent 40 calls meanwhile.
    pacer.acquire().await.settle(info(58, 300, Some(100)));
    assert_eq!(pacer.remaining(), Some(58));
}

#[tokio::test(start_paused = true)]
async fn a_stale_answer_from_an_older_window_is_ignored() {
    let pacer = Pacer::new(MARGIN);
    pacer.acquire().await.settle(info(5, 10, Some(10)));
    let late = pacer.acquire().await;
    tokio::time::sleep(Duration::from_secs(11)).await;
    // New window.
    pacer.acquire().await.settle(info(9, 10, Some(10)));
    assert_eq!(
        pacer.remaining(),
        Some(8),
        "one call of the old window was still in flight"
    );
    // The slow answer from the old window says r=0, t=0: it must not end the new window.
    late.settle(info(0, 0, Some(10)));
    assert_eq!(pacer.remaining(), Some(8));
}

#[tokio::test(start_paused = true)]
async fn a_server_without_rate_limit_headers_is_not_paced() {
    let pacer = Pacer::new(MARGIN);
    pacer.acquire().await.settle(None);
    let permits: Vec<_> = acquire_many(&pacer, 50).await;
    assert_eq!(permits.len(), 50);
    assert_eq!(pacer.remaining(), None);
}

async fn acquire_many(pacer: &Pacer, n: usize) -> Vec<Permit<'_>> {
    let mut permits = Vec::new();
    for _ in 0..n {
        permits.push(pacer.acquire().await);
    }
    permits
}

#[tokio::test(start_paused = true)]
async fn a_dropped_probe_lets_the_next_caller_probe() {
    let pacer = Pacer::new(MARGIN);
    drop(pacer.acquire().await);
    let next = tokio::time::timeout(Duration::from_millis(10), pacer.acquire()).await;
    assert!(next.is_ok(), "the probe slot is free again");
}

/// A fixed-window server: the window opens with the first call after the previous one ended.
struct FakeServer {
    quota: u64,
    window: Duration,
    round_up: bool,
    opened: Option<Instant>,
    counts: Vec<u64>,
    rejected: u64,
}

impl FakeServer {
    fn handle(&mut self, now: Instant) -> (bool, RateLimitInfo) {
        if self.opened.is_none_or(|o| now >= o + self.window) {
            self.opened = Some(now);
            self.counts.push(0);
        }
        let opened = self.opened.unwrap_or(now);
        let left = (opened + self.window - now).as_secs_f64();
        let t = if self.round_up {
            left.ceil()
        } else {
            left.floor()
        } as u64;
        let count = self.counts.last_mut().map_or(0, |c| {
            *c += 1;
            *c
        });
        let ok = count <= self.quota;
        if !ok {
            self.rejected += 1;
        }
        let limit = RateLimit {
            remaining: self.quota.saturating_sub(count),
            reset: Duration::from_secs(t),
        };
        let policy = Some(RateLimitPolicy {
            quota: self.quota,
            window: Some(self.window),
        });
        (ok, RateLimitInfo { limit, policy })
    }
}

async fn run_backlog(round_up: bool) -> FakeServer {
    let server = Arc::new(Mutex::new(FakeServer {
        quota: 60,
        window: Duration::from_secs(10),
        round_up,
        opened: None,
        counts: Vec::new(),
        rejected: 0,
    }));
    let pacer = Arc::new(Pacer::new(MARGIN));
    let done = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (server, pacer, done) = (server.clone(), pacer.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            while done.load(Ordering::SeqCst) < 300 {
                let permit = pacer.acquire().await;
                tokio::time::sleep(Duration::from_millis(15)).await;
                let (ok, info) = server.lock().expect("server").handle(Instant::now());
                tokio::time::sleep(Duration::from_millis(15)).await;
                permit.settle(Some(info));
                if ok {
                    done.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let server = Arc::try_unwrap(server).ok().expect("sole owner");
    server.into_inner().expect("server")
}

#[tokio::test(start_paused = true)]
async fn a_backlog_spends_at_least_90_percent_of_each_window_and_never_sees_429() {
    for round_up in [true, false] {
        let server = run_backlog(round_up).await;
        assert_eq!(
            server.rejected, 0,
            "round_up={round_up}: {:?}",
            server.counts
        );
        let (last, full) = server.counts.split_last().expect("windows");
        assert!(full.len() >= 4, "{:?}", server.counts);
        assert!(
            full.iter().all(|&c| c >= 54),
            "round_up={round_up}: {:?}",
            server.counts
        );
        assert!(*last > 0);
    }
}
