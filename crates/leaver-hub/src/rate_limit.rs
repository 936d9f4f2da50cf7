//! Parsing the Hub's rate-limit headers (IETF draft-ietf-httpapi-ratelimit-headers v9 style).
//!
//! - `RateLimit: "api";r=<remaining>;t=<seconds until the window resets>`
//! - `RateLimit-Policy: "fixed window";"api";q=<quota>;w=<window seconds>`
//!
//! Both may list several comma-separated buckets; the one named `"api"` wins, else the first
//! one that carries the numbers we need.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// The `RateLimit` header: what is left in the current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateLimit {
    /// Calls left in the current window (`r`).
    pub remaining: u64,
    /// Time until the window resets (`t`).
    pub reset: Duration,
}

/// The `RateLimit-Policy` header: the size of a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateLimitPolicy {
    /// Calls allowed per window (`q`).
    pub quota: u64,
    /// Window length (`w`); informational.
    pub window: Option<Duration>,
}

/// Both headers of one response, as far as they are present and readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateLimitInfo {
    pub limit: RateLimit,
    pub policy: Option<RateLimitPolicy>,
}

impl RateLimitInfo {
    /// Read both headers; `None` when `RateLimit` is missing or unreadable.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let limit = parse_rate_limit(&joined(headers, "ratelimit")?)?;
        let policy = joined(headers, "ratelimit-policy").and_then(|v| parse_policy(&v));
        Some(Self { limit, policy })
    }
}

/// All values of a header joined by commas, as HTTP allows.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// One list item: its quoted names and its `key=value` parameters.
struct Item<'a> {
    names: Vec<&'a str>,
    params: Vec<(&'a str, &'a str)>,
}

impl Item<'_> {
    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| *v)
    }
}

fn items(value: &str) -> Vec<Item<'_>> {
    value
        .split(',')
        .map(|item| {
            let mut names = Vec::new();
            let mut params = Vec::new();
            for token in item.split(';').map(str::trim).filter(|t| !t.is_empty()) {
                match token.split_once('=') {
                    Some((k, v)) => params.push((k.trim(), v.trim().trim_matches('"'))),
                    None => names.push(token.trim_matches('"')),
                }
            }
            Item { names, params }
        })
        .collect()
}

/// Pick the `"api"` bucket when named, else the first item for which `read` succeeds.
fn pick<T>(value: &str, read: impl Fn(&Item<'_>) -> Option<T>) -> Option<T> {
    let items = items(value);
    items
        .iter()
        .filter(|i| i.names.contains(&"api"))
        .find_map(&read)
        .or_else(|| items.iter().find_map(&read))
}

fn seconds(value: &str) -> Option<Duration> {
    // `try_`: a `t=1e300` from a confused proxy must read as unreadable, not panic.
    Duration::try_from_secs_f64(value.parse().ok()?).ok()
}

/// Parse a `RateLimit` header value.
pub(crate) fn parse_rate_limit(value: &str) -> Option<RateLimit> {
    pick(value, |item| {
        Some(RateLimit {
            remaining: item.param("r")?.parse().ok()?,
            reset: seconds(item.param("t")?)?,
        })
    })
}

/// Parse a `RateLimit-Policy` header value.
pub(crate) fn parse_policy(value: &str) -> Option<RateLimitPolicy> {
    pick(value, |item| {
        Some(RateLimitPolicy {
            quota: item.param("q")?.parse().ok()?,
            window: item.param("w").and_then(seconds),
        })
    })
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn the_hub_rate_limit_header_parses() {
        assert_eq!(
            parse_rate_limit(r#""api";r=42;t=17"#),
            Some(RateLimit {
                remaining: 42,
                reset: Duration::from_secs(17)
            })
        );
        assert_eq!(
            parse_rate_limit(r#""api"; r=0; t=0.5"#),
            Some(RateLimit {
                remaining: 0,
                reset: Duration::from_millis(500)
            })
        );
    }

    #[test]
    fn the_hub_policy_header_parses() {
        assert_eq!(
            parse_policy(r#""fixed window";"api";q=3000;w=300"#),
            Some(RateLimitPolicy {
                quota: 3000,
                window: Some(Duration::from_secs(300))
            })
        );
    }

    #[test]
    fn the_api_bucket_wins_over_other_buckets() {
        let value = r#""resolvers";r=9;t=1, "api";r=5;t=60"#;
        assert_eq!(parse_rate_limit(value).map(|r| r.remaining), Some(5));
        let policy = r#""fixed window";"pages";q=100;w=300,"fixed window";"api";q=1000;w=300"#;
        assert_eq!(parse_policy(policy).map(|p| p.quota), Some(1000));
    }

    #[test]
    fn malformed_values_are_ignored() {
        assert_eq!(parse_rate_limit(r#""api";r=many;t=3"#), None);
        assert_eq!(parse_rate_limit(r#""api";r=3"#), None);
        assert_eq!(parse_rate_limit(r#""api";r=3;t=-1"#), None);
        assert_eq!(parse_rate_limit(""), None);
        assert_eq!(parse_policy(r#""fixed window";"api";w=300"#), None);
    }

    #[test]
    fn both_headers_are_read_from_a_response() {
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit", HeaderValue::from_static(r#""api";r=7;t=9"#));
        headers.insert(
            "ratelimit-policy",
            HeaderValue::from_static(r#""fixed window";"api";q=60;w=10"#),
        );
        let info = RateLimitInfo::from_headers(&headers).expect("info");
        assert_eq!(info.limit.remaining, 7);
        assert_eq!(info.policy.map(|p| p.quota), Some(60));
        assert_eq!(RateLimitInfo::from_headers(&HeaderMap::new()), None);
    }
}
