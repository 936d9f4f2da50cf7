//! When to try a call again, and how long to wait first.
//!
//! Retried: 408, 429, 500, 502, 503, 504, timeouts and network errors, up to
//! `max_attempts` attempts in all. Waits use exponential backoff with full jitter
//! (a uniform random wait in `[0, min(cap, base * 2^(retry-1))]`), except for a 429, where
//! the Hub's own word wins: `RateLimit` `t` when `r=0`, else an integer `Retry-After`.

use std::time::Duration;

use rand::Rng;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::config::HubConfig;
use crate::rate_limit::RateLimitInfo;

/// Longest wait we accept from a server's `t` or `Retry-After`.
const MAX_SERVER_DELAY: Duration = Duration::from_secs(15 * 60);

/// The retry settings of one client.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    pub max_attempts: u32,
    pub base: Duration,
    pub cap: Duration,
    pub margin: Duration,
}

impl RetryPolicy {
    pub(crate) fn from_config(config: &HubConfig) -> Self {
        Self {
            max_attempts: config.max_attempts.max(1),
            base: config.backoff_base,
            cap: config.backoff_cap,
            margin: config.rate_limit_margin,
        }
    }

    /// Full-jitter backoff before retry number `retry` (1 for the first retry).
    pub(crate) fn backoff(&self, retry: u32, rng: &mut impl Rng) -> Duration {
        let ceiling = self.ceiling(retry);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rng.random_range(0..=nanos))
    }

    /// The upper bound of the backoff before retry number `retry`.
    pub(crate) fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// How long to wait before retrying a response with `status` (a retryable one).
    pub(crate) fn delay_after_status(
        &self,
        retry: u32,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> Duration {
        if status == StatusCode::TOO_MANY_REQUESTS {
            let from_limit = RateLimitInfo::from_headers(headers)
                .filter(|info| info.limit.remaining == 0)
                .map(|info| info.limit.reset + self.margin);
            if let Some(delay) = from_limit.or_else(|| retry_after(headers)) {
                return delay.min(MAX_SERVER_DELAY);
            }
        }
        self.backoff(retry, &mut rand::rng())
    }
}

/// Whether a response status is worth another attempt.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` in its integer-seconds form (the HTTP-date form is ignored, as the Hub's
/// own client does).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use reqwest::header::HeaderValue;

    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
            margin: Duration::from_secs(1),
        }
    }

    #[test]
    fn the_backoff_ceiling_doubles_up_to_the_cap() {
        let p = policy();
        let ceilings: Vec<u128> = (1..=6).map(|r| p.ceiling(r).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.ceiling(u32::MAX), Duration::from_secs(1));
    }

    #[test]
    fn jittered_backoff_stays_within_the_ceiling_and_varies() {
        let p = policy();
        let mut rng = StdRng::seed_from_u64(7);
        let delays: Vec<Duration> = (0..200).map(|_| p.backoff(3, &mut rng)).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_millis(400)));
        let distinct: std::collections::HashSet<_> = delays.iter().collect();
        assert!(distinct.len() > 100, "full jitter spreads the waits");
        assert!(delays.iter().any(|d| *d < Duration::from_millis(100)));
    }

    #[test]
    fn a_429_with_nothing_left_waits_for_the_window_reset_plus_margin() {
        let mut h = HeaderMap::new();
        h.insert("ratelimit", HeaderValue::from_static(r#""api";r=0;t=12"#));
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        let delay = policy().delay_after_status(1, StatusCode::TOO_MANY_REQUESTS, &h);
        assert_eq!(delay, Duration::from_secs(13));
    }

    #[test]
    fn a_429_with_calls_left_falls_back_to_retry_after() {
        let mut h = HeaderMap::new();
        h.insert("ratelimit", HeaderValue::from_static(r#""api";r=5;t=12"#));
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        let delay = policy().delay_after_status(1, StatusCode::TOO_MANY_REQUESTS, &h);
        assert_eq!(delay, Duration::from_secs(3));
    }

    #[test]
    fn a_retry_after_date_is_ignored_and_backoff_applies() {
        let mut h = HeaderMap::new();
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2026 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), None);
        let delay = policy().delay_after_status(2, StatusCode::TOO_MANY_REQUESTS, &h);
        assert!(delay <= Duration::from_millis(200));
    }

    #[test]
    fn server_errors_use_backoff_even_with_retry_after() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("60"));
        let delay = policy().delay_after_status(1, StatusCode::SERVICE_UNAVAILABLE, &h);
        assert!(delay <= Duration::from_millis(100));
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        let retried: Vec<u16> = (400..600)
            .filter(|&c| is_retryable_status(StatusCode::from_u16(c).expect("status")))
            .collect();
        assert_eq!(retried, [408, 429, 500, 502, 503, 504]);
    }
}
