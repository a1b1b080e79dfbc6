//! When a request is tried again, and how long to wait first: a small pure policy, applied to
//! every operation by the `exec` hook (generated/src/hooks.rs).

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

/// When and how often a request is tried again.
///
/// Retried on a 5xx (as Plivo's SDKs do, twice), on 429 (waiting as long as `Retry-After` says,
/// when that fits the budget), and on a connection that failed or broke mid-body. Never on
/// another 4xx, and never on a timeout (the time is spent).
///
/// Start from [`RetryPolicy::default()`] or [`RetryPolicy::disabled()`] and change what you need
/// with the setters of the same names as the fields (`RetryPolicy::default().max_attempts(5)`):
/// the struct is `#[non_exhaustive]` so that a setting added later is not a breaking change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included. 1 switches retrying off.
    pub max_attempts: u32,
    /// Backoff ceiling before the first retry; it doubles each retry, up to `max_backoff`. The
    /// actual wait is drawn uniformly below the ceiling ("full jitter") so that many clients
    /// retrying together spread out.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// No retry starts once this much time has passed since the first attempt, and no wait
    /// (including a `Retry-After`) may end past it.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts (Plivo's SDKs: the first and two retries), 250 ms doubling to 4 s, 30 s in all.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

/// What an attempt came to, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// An answer with this status (and, for a 429, the `Retry-After` it asked for).
    Answered {
        status: StatusCode,
        retry_after: Option<Duration>,
    },
    /// No connection, or it broke before the answer was complete.
    ConnectionFailed,
    /// Anything else that failed (a timeout among them).
    OtherFailure,
}

impl RetryPolicy {
    /// One attempt only.
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// This policy with [`max_attempts`](Self::max_attempts) set.
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// This policy with [`initial_backoff`](Self::initial_backoff) set.
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// This policy with [`max_backoff`](Self::max_backoff) set.
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// This policy with [`max_elapsed`](Self::max_elapsed) set.
    #[must_use]
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// How long to wait before attempt `attempt + 1`, or `None` to stop with this outcome.
    /// `elapsed` is the time since the first attempt began. Never panics, whatever the server
    /// asked for.
    pub(crate) fn wait_before_retry(
        &self,
        outcome: Outcome,
        attempt: u32,
        elapsed: Duration,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let wait = match outcome {
            Outcome::Answered {
                status: StatusCode::TOO_MANY_REQUESTS,
                retry_after,
            } => retry_after.unwrap_or_else(|| self.backoff(attempt)),
            Outcome::Answered { status, .. } if status.is_server_error() => self.backoff(attempt),
            Outcome::ConnectionFailed => self.backoff(attempt),
            _ => return None,
        };
        let ends = elapsed.checked_add(wait)?;
        (ends <= self.max_elapsed).then_some(wait)
    }

    fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// `Retry-After` as delay-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each setter sets its own field and only it (cargo-mutants: a setter that returned the
    /// default went unnoticed, the retry tests only ran slower).
    #[test]
    fn each_setter_sets_its_field_and_no_other() {
        let base = RetryPolicy::default();
        let odd = Duration::from_millis(7);
        let expected = |change: fn(&mut RetryPolicy)| {
            let mut policy = base.clone();
            change(&mut policy);
            policy
        };
        assert_eq!(
            base.clone().max_attempts(9),
            expected(|p| p.max_attempts = 9)
        );
        assert_eq!(
            base.clone().initial_backoff(odd),
            expected(|p| p.initial_backoff = Duration::from_millis(7))
        );
        assert_eq!(
            base.clone().max_backoff(odd),
            expected(|p| p.max_backoff = Duration::from_millis(7))
        );
        assert_eq!(
            base.clone().max_elapsed(odd),
            expected(|p| p.max_elapsed = Duration::from_millis(7))
        );
        assert_eq!(RetryPolicy::disabled(), expected(|p| p.max_attempts = 1));
    }

    fn answered(status: u16, retry_after: Option<Duration>) -> Outcome {
        Outcome::Answered {
            status: StatusCode::from_u16(status).unwrap(),
            retry_after,
        }
    }

    #[test]
    fn backoff_stays_below_a_doubling_ceiling() {
        let policy = RetryPolicy::default();
        for _ in 0..200 {
            assert!(policy.backoff(1) <= Duration::from_millis(250));
            assert!(policy.backoff(2) <= Duration::from_millis(500));
            assert!(policy.backoff(10) <= Duration::from_secs(4));
        }
    }

    #[test]
    fn backoff_has_jitter() {
        let policy = RetryPolicy::default();
        let draws: std::collections::BTreeSet<_> = (0..20).map(|_| policy.backoff(3)).collect();
        assert!(draws.len() > 10, "{draws:?}");
    }

    #[test]
    fn retries_server_errors_rate_limits_and_broken_connections_only() {
        let policy = RetryPolicy::default();
        let at = |outcome| policy.wait_before_retry(outcome, 1, Duration::ZERO);
        assert!(at(answered(500, None)).is_some());
        assert!(at(answered(503, None)).is_some());
        assert!(at(Outcome::ConnectionFailed).is_some());
        assert_eq!(
            at(answered(429, Some(Duration::from_secs(2)))),
            Some(Duration::from_secs(2))
        );
        for status in [200, 400, 401, 404, 418] {
            assert_eq!(at(answered(status, None)), None, "{status}");
        }
        assert_eq!(at(Outcome::OtherFailure), None);
        assert_eq!(
            policy.wait_before_retry(answered(500, None), 3, Duration::ZERO),
            None,
            "the third attempt is the last"
        );
    }

    #[test]
    fn a_huge_retry_after_stops_instead_of_overflowing() {
        let policy = RetryPolicy::default();
        let huge = answered(429, Some(Duration::from_secs(u64::MAX)));
        assert_eq!(
            policy.wait_before_retry(huge, 1, Duration::from_secs(1)),
            None
        );
        let too_long = answered(429, Some(Duration::from_secs(31)));
        assert_eq!(policy.wait_before_retry(too_long, 1, Duration::ZERO), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, "18446744073709551615".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(u64::MAX)));
        let soon = std::time::SystemTime::now() + Duration::from_secs(120);
        headers.insert(RETRY_AFTER, httpdate::fmt_http_date(soon).parse().unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
