//! When a failed request is sent again, and how long the client waits first.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// Which failures the client retries, and for how long.
///
/// The rules are fixed by what is safe, the numbers are configurable:
///
/// - **429 Too Many Requests**, for every method: the API refused the request
///   without acting on it. The client waits what the API asked for
///   (`Retry-After`, in seconds or as an HTTP date, else the error body's
///   `rate_limit.retry_after`), plus up to 10% jitter.
/// - **A connection that could not be made**, for every method: the request
///   was never written.
/// - **502, 503, 504 and connections that break or time out** before a
///   response arrives, or a success body that breaks off mid-read, only for `GET`,
///   `HEAD`, `PUT` and `DELETE`: sending those twice has the same effect as
///   once. A `POST` or `PATCH` is not retried after it may have reached the
///   server, since the first one may have created an incident — except a
///   create the API de-duplicates, whose body carries its key
///   (the field the spec marks for it, such as `idempotency_key` on an
///   incident create; see
///   [`Operation::idempotency_key`](crate::Operation::idempotency_key)):
///   the API returns the first result for a repeat, so it is retried like a
///   `PUT`. Such a create without its key is not retried.
///
/// Waits without a server-given delay use exponential backoff with full
/// jitter: a random wait between zero and `initial_backoff × 2^n`, capped at
/// `max_wait`. A server-given delay longer than `max_wait`, or any wait that
/// would end after `budget` has elapsed since the first attempt, ends the
/// retries and returns the last error (whose
/// [`retry_after`](crate::Error::retry_after) tells the caller how long the
/// API asked for).
///
/// Defaults: 3 retries, 500 ms initial backoff, 30 s per wait, 60 s budget.
/// Three retries with a 30 s cap ride out a deploy or a brief overload
/// without hiding a real outage for minutes; the budget bounds how long one
/// call can take (the budget, plus at most one attempt's timeout).
///
/// ```
/// use std::time::Duration;
/// use incidentio::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(6)
///     .budget(Duration::from_secs(300));
/// let never = RetryPolicy::disabled();
/// # let _ = (patient, never);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_wait: Duration,
    budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
            budget: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call makes exactly one request, and failures are
    /// returned as they come (for callers with their own retry logic).
    pub fn disabled() -> Self {
        RetryPolicy::default().max_retries(0)
    }

    /// The most times one call is sent again (default 3; 0 disables
    /// retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The upper bound of the first backoff wait, doubled for each further
    /// retry (default 500 ms).
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest single wait (default 30 s). A `Retry-After` longer than
    /// this is not waited for: the call fails with the 429 instead.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The total time from the first attempt after which no retry starts
    /// (default 60 s).
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Whether any retry may follow attempt number `attempt` (1-based); lets
    /// the caller skip cloning a request that will never be resent.
    pub(crate) fn allows_retry_after(&self, attempt: u32) -> bool {
        attempt <= self.max_retries
    }

    /// The wait before retrying, or `None` to give up. `retries_done` counts
    /// the retries already made; `elapsed` is the time since the first
    /// attempt started. `replay_safe` marks a request the API de-duplicates
    /// (a create carrying its idempotency key), retried like a `PUT`.
    pub(crate) fn next_wait(
        &self,
        method: &Method,
        replay_safe: bool,
        failure: Failure,
        retries_done: u32,
        elapsed: Duration,
    ) -> Option<Duration> {
        if retries_done >= self.max_retries {
            return None;
        }
        if !may_resend(replay_safe || idempotent(method), failure) {
            return None;
        }
        let wait = match failure {
            Failure::Status {
                status,
                server_wait,
            } if status == StatusCode::TOO_MANY_REQUESTS => match server_wait {
                Some(wait) => {
                    // Never wait less than asked; a little jitter keeps clones
                    // that were throttled together from returning together.
                    if wait > self.max_wait {
                        return None;
                    }
                    (wait + wait.mul_f64(fastrand::f64() * 0.1)).min(self.max_wait)
                }
                None => self.backoff(retries_done),
            },
            Failure::Status { server_wait, .. } => {
                let backoff = self.backoff(retries_done);
                match server_wait {
                    Some(wait) if wait > self.max_wait => return None,
                    Some(wait) => wait.max(backoff),
                    None => backoff,
                }
            }
            Failure::Transport { .. } => self.backoff(retries_done),
        };
        (elapsed.saturating_add(wait) <= self.budget).then_some(wait)
    }

    /// Full jitter: uniform in `[0, min(max_wait, initial × 2^n)]`.
    fn backoff(&self, retries_done: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retries_done.min(30)))
            .min(self.max_wait);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Failure {
    /// The API answered with a non-success status; `server_wait` is the
    /// delay it asked for, if any.
    Status {
        status: StatusCode,
        server_wait: Option<Duration>,
    },
    /// The connection failed, broke or timed out before a whole response
    /// arrived; `written` is false when it could not be made at all (the
    /// request never left).
    Transport { written: bool },
}

/// Whether a failure may be sent again: the one rule the retry loop
/// applies and [`crate::Error::is_retryable`] reports. `safe` says the
/// request's repetition does no harm (an idempotent method, or a create
/// carrying the key the API de-duplicates on).
pub(crate) fn may_resend(safe: bool, failure: Failure) -> bool {
    match failure {
        Failure::Status { status, .. } if status == StatusCode::TOO_MANY_REQUESTS => true,
        Failure::Status { status, .. } => matches!(status.as_u16(), 502..=504) && safe,
        Failure::Transport { written: false } => true,
        Failure::Transport { written: true } => safe,
    }
}

/// Methods whose repetition has the same effect as one request.
pub(crate) fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE
    )
}
