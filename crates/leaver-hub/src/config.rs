//! Client configuration: where the Hub is, the token, and how patient to be.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::circuit::CircuitConfig;

/// How a [`crate::HubClient`] reaches the Hub and how it behaves on slow or failing calls.
///
/// `Debug` is safe to print: the token shows as `[REDACTED]` (and so would a password in
/// the base URL).
#[derive(Clone)]
pub struct HubConfig {
    /// Base URL of the Hub, e.g. `https://huggingface.co` (a path prefix is kept).
    pub base_url: Url,
    /// Bearer token sent on every request. Never logged, never printed.
    pub token: SecretString,
    /// Whole-request timeout (connect, send, and reading the body).
    pub timeout: Duration,
    /// Timeout for establishing the TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Total attempts per request, the first one included (1 disables retries).
    pub max_attempts: u32,
    /// First backoff step; attempt `n` waits a random time in `[0, min(cap, base * 2^(n-1))]`.
    pub backoff_base: Duration,
    /// Upper bound of one backoff step.
    pub backoff_cap: Duration,
    /// Extra wait after a rate-limit window is expected to reset, to absorb clock skew
    /// and the whole-second rounding of the `RateLimit` header's `t`.
    pub rate_limit_margin: Duration,
    /// The circuit shared by every clone of the client: when it opens, calls fail at once.
    pub circuit: CircuitConfig,
}

impl HubConfig {
    /// Default timeout for a whole request.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default connect timeout.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default number of attempts (one try plus four retries).
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
    /// Default first backoff step (the Hub's own client starts at 1 s).
    pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_secs(1);
    /// Default backoff cap (the Hub's own client stops growing at 8 s).
    pub const DEFAULT_BACKOFF_CAP: Duration = Duration::from_secs(8);
    /// Default margin after an expected rate-limit window reset.
    pub const DEFAULT_RATE_LIMIT_MARGIN: Duration = Duration::from_secs(1);
    /// Default circuit: open after 5 transient failures in a row (across all callers), probe
    /// after 5 s, then after twice as long each time the probe fails, up to a minute.
    pub const DEFAULT_CIRCUIT: CircuitConfig = CircuitConfig {
        threshold: 5,
        cooldown: Duration::from_secs(5),
        cooldown_cap: Duration::from_secs(60),
        probe_timeout: Self::DEFAULT_TIMEOUT,
    };

    /// A configuration with the defaults above for everything but the base URL and token.
    pub fn new(base_url: Url, token: SecretString) -> Self {
        Self {
            base_url,
            token,
            timeout: Self::DEFAULT_TIMEOUT,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            backoff_base: Self::DEFAULT_BACKOFF_BASE,
            backoff_cap: Self::DEFAULT_BACKOFF_CAP,
            rate_limit_margin: Self::DEFAULT_RATE_LIMIT_MARGIN,
            circuit: Self::DEFAULT_CIRCUIT,
        }
    }

    /// Same configuration with another circuit: open after `threshold` transient failures in a
    /// row (0: never), probe after `cooldown`, doubled after each failed probe up to `cap`.
    pub fn with_circuit(mut self, threshold: u32, cooldown: Duration, cap: Duration) -> Self {
        self.circuit.threshold = threshold;
        self.circuit.cooldown = cooldown;
        self.circuit.cooldown_cap = cap.max(cooldown);
        self
    }

    /// Same configuration with other retry settings (handy in tests).
    pub fn with_retries(mut self, max_attempts: u32, base: Duration, cap: Duration) -> Self {
        self.max_attempts = max_attempts;
        self.backoff_base = base;
        self.backoff_cap = cap;
        self
    }

    /// Same configuration with other timeouts.
    pub fn with_timeouts(mut self, timeout: Duration, connect_timeout: Duration) -> Self {
        self.timeout = timeout;
        self.connect_timeout = connect_timeout;
        self.circuit.probe_timeout = timeout;
        self
    }
}

impl fmt::Debug for HubConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut base_url = self.base_url.clone();
        if base_url.password().is_some() {
            let _ = base_url.set_password(Some("[REDACTED]"));
        }
        f.debug_struct("HubConfig")
            .field("base_url", &base_url.as_str())
            .field("token", &"[REDACTED]")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_attempts", &self.max_attempts)
            .field("backoff_base", &self.backoff_base)
            .field("backoff_cap", &self.backoff_cap)
            .field("rate_limit_margin", &self.rate_limit_margin)
            .field("circuit", &self.circuit)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_redacts_the_token() {
        let base = Url::parse("https://huggingface.co").expect("url");
        let config = HubConfig::new(base, SecretString::from("hf_supersecret"));
        let printed = format!("{config:?}");
        assert!(!printed.contains("hf_supersecret"), "{printed}");
        assert!(printed.contains("\"https://huggingface.co/\""), "{printed}");
    }

    #[test]
    fn debug_output_redacts_a_password_in_the_base_url() {
        let base = Url::parse("https://user:pa55word@hub.internal/").expect("url");
        let printed = format!("{:?}", HubConfig::new(base, SecretString::from("hf_x")));
        assert!(!printed.contains("pa55word"), "{printed}");
        assert!(printed.contains("hub.internal"), "{printed}");
    }
}
