//! What the engine can be tuned with.

use crate::apps::AppConnector;
use leaver_core::Case;
use leaver_core::plan::{AccessStatus, PlanContext};
use leaver_store::TokenSealer;
use std::sync::Arc;
use std::time::Duration;

/// How long transient failures are retried by default: a day.
pub const DEFAULT_RETRY_FOR: Duration = Duration::from_secs(86_400);

/// Engine settings, with defaults fit for production.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// The orgs Leaver manages.
    pub orgs: Vec<String>,
    /// Hub accounts that are automation, not people.
    pub service_accounts: Vec<String>,
    /// What a leaver's gated access becomes: `Rejected` (default) or `Pending`.
    pub revoke_to: AccessStatus,
    /// How long a step that keeps failing transiently (408, 429, 5xx, timeouts, broken
    /// connections) is tried again, counted from the first failure of the run
    /// (`Step::failing_since`); after that it waits for an operator.
    pub retry_for: Duration,
    /// Backoff between step attempts: base, doubled each time, capped, with jitter.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// How long a claimed job is held before another worker may take it over.
    pub lease: Duration,
    /// How often a manual step's result is looked for on the Hub.
    pub poll_interval: Duration,
    /// How long an org's index is trusted before it is read again.
    pub index_ttl: Duration,
    /// How many jobs a worker claims at once.
    pub batch: u32,
    /// How long an idle worker waits before looking for jobs again.
    pub idle_wait: Duration,
    /// Opens the Hub tokens held for a case, which `flag_tokens` revokes (see
    /// `leaver_store::held_tokens`); without it, no token is revoked.
    pub token_sealer: Option<Arc<TokenSealer>>,
    /// Whether `flag_tokens` waits (`waiting_manual`) until somebody acknowledges checking
    /// Tokens Management (`LEAVER_TOKENS_ACK_REQUIRED`); by default it does not wait.
    pub tokens_ack_required: bool,
    /// How often the drift watch sweeps (`None`: never; see `crate::drift`).
    pub watch_every: Option<Duration>,
    /// How long after a case completes the drift watch keeps looking.
    pub watch_for: Duration,
    /// The SCIM apps beside the Hub a leaver is deprovisioned from (`[[apps]]`).
    pub apps: Vec<AppConnector>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            orgs: Vec::new(),
            service_accounts: Vec::new(),
            revoke_to: AccessStatus::Rejected,
            retry_for: DEFAULT_RETRY_FOR,
            backoff_base: Duration::from_secs(2),
            backoff_cap: Duration::from_secs(600),
            lease: Duration::from_secs(120),
            poll_interval: Duration::from_secs(60),
            index_ttl: Duration::from_secs(300),
            batch: 8,
            idle_wait: Duration::from_millis(250),
            token_sealer: None,
            tokens_ack_required: false,
            watch_every: None,
            watch_for: Duration::from_secs(30 * 86_400),
            apps: Vec::new(),
        }
    }
}

impl EngineConfig {
    /// What the planner needs besides the orgs' facts, for `case`; `None` while the case
    /// awaits its Hub username (nothing is planned for nobody).
    pub(crate) fn plan_context<'a>(&'a self, case: &'a Case) -> Option<PlanContext<'a>> {
        Some(PlanContext {
            leaver: case.person.hub_username.as_ref()?,
            successor: case.successor.as_ref(),
            service_accounts: &self.service_accounts,
            revoke_to: self.revoke_to,
            no_account: false,
            leaving: &[],
        })
    }

    /// The wait before attempt `attempt + 1`: exponential, capped, with jitter (half to all of it).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .backoff_base
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        let cap = exp.min(self.backoff_cap);
        let jitter: f64 = rand::random();
        cap.mul_f64(0.5 + jitter / 2.0)
    }
}
