//! The `api` rate-limit bucket: fixed windows per caller (one per token owner, one shared
//! anonymous bucket), `RateLimit`/`RateLimit-Policy` headers on every response, 429 past quota.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth;
use crate::errors::ApiError;
use crate::seed::RateLimitSeed;
use crate::state::AppState;

/// Fixed windows, keyed by bucket.
#[derive(Debug)]
pub struct RateLimiter {
    quota: u64,
    window: Duration,
    windows: HashMap<String, Window>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    used: u64,
}

/// The outcome of one request against its bucket.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    /// Whether the request fits in the quota.
    pub allowed: bool,
    /// Requests left in this window.
    pub remaining: u64,
    /// Whole seconds until the window resets (rounded up).
    pub reset_s: u64,
    /// Quota per window.
    pub quota: u64,
    /// Window length in seconds.
    pub window_s: u64,
}

impl RateLimiter {
    /// A limiter for the seed's policy.
    pub fn new(policy: RateLimitSeed) -> RateLimiter {
        RateLimiter {
            quota: policy.quota,
            window: Duration::from_secs(policy.window_s.max(1)),
            windows: HashMap::new(),
        }
    }

    /// Counts one request in `bucket` at `now`. A window starts at the bucket's first
    /// request and lasts `window_s`; requests past the quota are refused and not counted.
    pub fn hit(&mut self, bucket: &str, now: Instant) -> Decision {
        let window = self.window;
        let entry = self.windows.entry(bucket.to_string()).or_insert(Window {
            start: now,
            used: 0,
        });
        if now.duration_since(entry.start) >= window {
            *entry = Window {
                start: now,
                used: 0,
            };
        }
        let allowed = entry.used < self.quota;
        if allowed {
            entry.used += 1;
        }
        let left = window.saturating_sub(now.duration_since(entry.start));
        let reset_s = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        Decision {
            allowed,
            remaining: self.quota.saturating_sub(entry.used),
            reset_s,
            quota: self.quota,
            window_s: window.as_secs(),
        }
    }
}

impl Decision {
    /// Writes `RateLimit` and `RateLimit-Policy`.
    pub fn apply(&self, headers: &mut HeaderMap) {
        let limit = format!("\"api\";r={};t={}", self.remaining, self.reset_s);
        let policy = format!(
            "\"fixed window\";\"api\";q={};w={}",
            self.quota, self.window_s
        );
        if let Ok(value) = HeaderValue::from_str(&limit) {
            headers.insert("ratelimit", value);
        }
        if let Ok(value) = HeaderValue::from_str(&policy) {
            headers.insert("ratelimit-policy", value);
        }
    }
}

/// Middleware: count the request in its bucket, refuse it with 429 past the quota, and
/// put the headers on whatever answer goes out. No `Retry-After`: the Hub does not
/// document one, and clients are meant to read `t` from `RateLimit`.
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let bucket = auth::bucket(&state, request.headers());
    let decision = state.limiter().hit(&bucket, Instant::now());
    let mut response = if decision.allowed {
        next.run(request).await
    } else {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "You have exceeded our rate limit for the api bucket. Retry later.",
        )
        .into_response()
    };
    decision.apply(response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_refuses_past_its_quota_and_resets_with_the_window() {
        let mut limiter = RateLimiter::new(RateLimitSeed {
            quota: 2,
            window_s: 10,
        });
        let t0 = Instant::now();
        assert!(limiter.hit("a", t0).allowed);
        let second = limiter.hit("a", t0);
        assert!(second.allowed);
        assert_eq!(second.remaining, 0);
        assert!(!limiter.hit("a", t0).allowed);
        assert!(limiter.hit("b", t0).allowed, "buckets are separate");
        let later = limiter.hit("a", t0 + Duration::from_secs(10));
        assert!(later.allowed);
        assert_eq!(later.remaining, 1);
        assert_eq!(later.reset_s, 10);
    }
}
