//! One circuit breaker per Hub, shared by every clone of a [`crate::HubClient`] (so by every
//! job): when the Hub keeps failing (5xx, timeouts, broken connections, `threshold` in a row
//! across all callers), the circuit opens and calls fail at once, as transient errors that say
//! when to come back, instead of every job hammering a Hub that is down. After the cool-down
//! one call goes through as a probe (half-open): an answer closes the circuit, a failure opens
//! it again for twice as long (up to a cap).
//!
//! A 429 is not a sign of a Hub down (it is the Hub pacing us, and the pacer and `Retry-After`
//! deal with it): it neither opens the circuit nor counts against it. But it is the Hub
//! answering, so a probe that meets one closes the circuit ([`Circuit::record_rate_limited`]):
//! otherwise a probe paced by the Hub left every call held back until the probe timed out, and
//! again at each probe while the Hub kept pacing that route. Time is passed in, so the tests
//! need no sleeping.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The circuit's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CircuitConfig {
    /// Transient failures in a row (across all callers) that open the circuit; 0 never opens it.
    pub threshold: u32,
    /// How long the circuit stays open the first time before a probe.
    pub cooldown: Duration,
    /// The longest it stays open (the cool-down doubles after each failed probe).
    pub cooldown_cap: Duration,
    /// How long a probe may run before another caller may probe instead (the first one's
    /// future may have been dropped).
    pub probe_timeout: Duration,
}

/// Where the circuit stands, as seen from outside (for metrics and logs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CircuitState {
    /// Calls go through.
    Closed,
    /// Calls fail at once until the probe, `Duration` from now.
    Open(Duration),
    /// One probe is out; other calls fail at once until it answers.
    HalfOpen,
}

#[derive(Clone, Copy, Debug)]
enum Phase {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
        cooldown: Duration,
    },
    HalfOpen {
        probe_since: Instant,
        cooldown: Duration,
    },
}

/// The breaker itself.
#[derive(Debug)]
pub(crate) struct Circuit {
    config: CircuitConfig,
    phase: Mutex<Phase>,
    /// The last transient failure, quoted by the calls held back (so that a step that gives up
    /// while the circuit is open still carries the Hub's own words).
    last_failure: Mutex<Option<String>>,
}

impl Circuit {
    pub(crate) fn new(config: CircuitConfig) -> Circuit {
        Circuit {
            config,
            phase: Mutex::new(Phase::Closed { failures: 0 }),
            last_failure: Mutex::new(None),
        }
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        // A panic while holding this lock leaves a consistent phase (every update is one
        // assignment): carry on with it.
        self.phase
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether a call may go out at `now`; `Err(wait)` says how long until the next probe.
    pub(crate) fn admit(&self, now: Instant) -> Result<(), Duration> {
        let mut phase = self.phase();
        match *phase {
            Phase::Closed { .. } => Ok(()),
            Phase::Open { until, cooldown } if now >= until => {
                *phase = Phase::HalfOpen {
                    probe_since: now,
                    cooldown,
                };
                Ok(())
            }
            Phase::Open { until, .. } => Err(until - now),
            Phase::HalfOpen {
                probe_since,
                cooldown,
            } => {
                if now.duration_since(probe_since) >= self.config.probe_timeout {
                    *phase = Phase::HalfOpen {
                        probe_since: now,
                        cooldown,
                    };
                    Ok(())
                } else {
                    Err(self.config.cooldown)
                }
            }
        }
    }

    /// Records how a call that went out ended: `healthy` if the Hub answered anything but a
    /// transient failure (a 404 is the Hub up and speaking), else a transient failure.
    pub(crate) fn record(&self, now: Instant, healthy: bool) {
        let mut phase = self.phase();
        if healthy {
            *phase = Phase::Closed { failures: 0 };
            return;
        }
        *phase = match *phase {
            Phase::Closed { failures } if failures + 1 >= self.config.threshold => {
                if self.config.threshold == 0 {
                    Phase::Closed { failures: 0 }
                } else {
                    tracing::warn!(
                        failures = failures + 1,
                        cooldown_ms = %self.config.cooldown.as_millis(),
                        "the Hub keeps failing: holding calls back"
                    );
                    Phase::Open {
                        until: now + self.config.cooldown,
                        cooldown: self.config.cooldown,
                    }
                }
            }
            Phase::Closed { failures } => Phase::Closed {
                failures: failures + 1,
            },
            Phase::HalfOpen { cooldown, .. } => {
                let cooldown = cooldown.saturating_mul(2).min(self.config.cooldown_cap);
                tracing::warn!(cooldown_ms = %cooldown.as_millis(), "the Hub still fails: holding calls back longer");
                Phase::Open {
                    until: now + cooldown,
                    cooldown,
                }
            }
            // A call let out before the circuit opened: the circuit already knows.
            open @ Phase::Open { .. } => open,
        };
    }

    /// Records a 429: the Hub answered and is pacing us. A probe's answer: the circuit closes.
    /// Otherwise nothing changes (a 429 neither opens the circuit nor resets its count).
    pub(crate) fn record_rate_limited(&self) {
        let mut phase = self.phase();
        if let Phase::HalfOpen { .. } = *phase {
            *phase = Phase::Closed { failures: 0 };
        }
    }

    /// Keeps `text` as the last transient failure.
    pub(crate) fn note_failure(&self, text: String) {
        *self
            .last_failure
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(text);
    }

    /// The last transient failure noted, if any.
    pub(crate) fn last_failure(&self) -> Option<String> {
        self.last_failure
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Where the circuit stands at `now`.
    pub(crate) fn state(&self, now: Instant) -> CircuitState {
        match *self.phase() {
            Phase::Closed { .. } => CircuitState::Closed,
            Phase::Open { until, .. } => CircuitState::Open(until.saturating_duration_since(now)),
            Phase::HalfOpen { .. } => CircuitState::HalfOpen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COOL: Duration = Duration::from_secs(10);

    fn circuit() -> Circuit {
        Circuit::new(CircuitConfig {
            threshold: 3,
            cooldown: COOL,
            cooldown_cap: Duration::from_secs(30),
            probe_timeout: Duration::from_secs(5),
        })
    }

    #[test]
    fn a_few_failures_in_a_row_open_the_circuit_and_calls_then_fail_at_once() {
        let c = circuit();
        let t = Instant::now();
        for _ in 0..2 {
            c.record(t, false);
            assert_eq!(c.admit(t), Ok(()), "still closed below the threshold");
        }
        c.record(t, false);
        assert_eq!(c.admit(t), Err(COOL));
        assert_eq!(
            c.admit(t + Duration::from_secs(4)),
            Err(Duration::from_secs(6))
        );
        assert_eq!(c.state(t), CircuitState::Open(COOL));
    }

    #[test]
    fn an_answer_between_failures_resets_the_count() {
        let c = circuit();
        let t = Instant::now();
        c.record(t, false);
        c.record(t, false);
        c.record(t, true);
        c.record(t, false);
        c.record(t, false);
        assert_eq!(c.admit(t), Ok(()));
        assert_eq!(c.state(t), CircuitState::Closed);
    }

    #[test]
    fn after_the_cooldown_one_probe_goes_out_and_its_answer_closes_the_circuit() {
        let c = circuit();
        let t = Instant::now();
        (0..3).for_each(|_| c.record(t, false));
        let later = t + COOL;
        assert_eq!(c.admit(later), Ok(()), "the probe");
        assert_eq!(c.state(later), CircuitState::HalfOpen);
        assert!(c.admit(later).is_err(), "only one probe at a time");
        c.record(later, true);
        assert_eq!(c.admit(later), Ok(()));
        assert_eq!(c.state(later), CircuitState::Closed);
    }

    #[test]
    fn a_probe_paced_with_a_429_closes_the_circuit_and_a_429_alone_changes_nothing() {
        let c = circuit();
        let t = Instant::now();
        c.record(t, false);
        c.record(t, false);
        c.record_rate_limited();
        c.record(t, false);
        assert!(c.admit(t).is_err(), "a 429 did not reset the count");
        let later = t + COOL;
        assert_eq!(c.admit(later), Ok(()), "the probe");
        c.record_rate_limited();
        assert_eq!(c.state(later), CircuitState::Closed, "the Hub answered");
        assert_eq!(c.admit(later), Ok(()), "calls go out again, paced");
    }

    #[test]
    fn a_failed_probe_opens_the_circuit_for_twice_as_long_up_to_the_cap() {
        let c = circuit();
        let mut t = Instant::now();
        (0..3).for_each(|_| c.record(t, false));
        let mut waits = Vec::new();
        for _ in 0..3 {
            t += Duration::from_secs(60);
            assert_eq!(c.admit(t), Ok(()), "probe");
            c.record(t, false);
            waits.push(c.admit(t).expect_err("open again").as_secs());
        }
        assert_eq!(waits, [20, 30, 30]);
    }

    #[test]
    fn a_probe_that_never_answers_lets_another_probe_after_its_timeout() {
        let c = circuit();
        let t = Instant::now();
        (0..3).for_each(|_| c.record(t, false));
        assert_eq!(c.admit(t + COOL), Ok(()));
        assert!(c.admit(t + COOL + Duration::from_secs(4)).is_err());
        assert_eq!(c.admit(t + COOL + Duration::from_secs(5)), Ok(()));
    }

    #[test]
    fn the_last_failure_is_kept_to_be_quoted() {
        let c = circuit();
        assert_eq!(c.last_failure(), None);
        c.note_failure("503 Service Unavailable".into());
        c.note_failure("504 Gateway Timeout".into());
        assert_eq!(c.last_failure().as_deref(), Some("504 Gateway Timeout"));
    }

    #[test]
    fn a_threshold_of_zero_never_opens() {
        let c = Circuit::new(CircuitConfig {
            threshold: 0,
            ..circuit().config
        });
        let t = Instant::now();
        (0..100).for_each(|_| c.record(t, false));
        assert_eq!(c.admit(t), Ok(()));
    }
}
