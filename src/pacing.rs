//! Client-side pacing: spend the API's rate limit no faster than it refills.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::Error;
use crate::ratelimit::RateLimit;

/// How fast the client lets requests out.
///
/// The API's limits are token buckets (by default 1200 requests, refilling
/// at 20 per second, per API key). With pacing on, the client keeps its own
/// estimate of that bucket and delays a request that would find it empty,
/// so a bulk job slows to the sustainable rate instead of collecting 429s.
/// The estimate is shared by every clone of a client and is corrected by
/// the `X-RateLimit-*` headers of each response: the remaining allowance
/// lowers the local one, and an endpoint whose own lower limit binds gets a
/// bucket of its own. Headers only ever make pacing stricter than
/// configured, never looser, so a rate chosen to leave room for other jobs
/// sharing the key is respected.
///
/// **On by default**, seeded with the documented 1200 burst / 20 per second:
/// below the API's limit it never delays anything, and near it, it delays
/// requests that would otherwise be refused anyway. Separate `Client`s
/// (not clones) and other processes using the same key keep separate
/// estimates; the headers and the retry of 429s cover the difference.
///
/// ```
/// use incidentio::Pacing;
///
/// // Leave half the key's allowance to other jobs.
/// let half = Pacing::new(600, 10.0);
/// let off = Pacing::disabled();
/// # let _ = (half, off);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Pacing {
    enabled: bool,
    burst: u32,
    per_second: f64,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            enabled: true,
            burst: 1200,
            per_second: 20.0,
        }
    }
}

impl Pacing {
    /// A bucket of `burst` requests refilling at `per_second`. Both must be
    /// positive; [`ClientBuilder::build`](crate::ClientBuilder::build) says
    /// so otherwise.
    pub fn new(burst: u32, per_second: f64) -> Self {
        Pacing {
            enabled: true,
            burst,
            per_second,
        }
    }

    /// No client-side pacing: requests go out as fast as they are made, and
    /// the API's 429s (retried per the [`RetryPolicy`](crate::RetryPolicy))
    /// are the only brake.
    pub fn disabled() -> Self {
        Pacing {
            enabled: false,
            ..Pacing::default()
        }
    }

    /// The pacer this configuration describes, `None` when disabled.
    pub(crate) fn build(&self) -> Result<Option<Pacer>, Error> {
        if !self.enabled {
            return Ok(None);
        }
        if self.burst == 0 {
            return Err(Error::InvalidArgument(
                "pacing burst must be at least 1 request".into(),
            ));
        }
        if !(self.per_second.is_finite() && self.per_second > 0.0) {
            return Err(Error::InvalidArgument(format!(
                "pacing rate must be a positive number of requests per second, not {}",
                self.per_second
            )));
        }
        let bucket = Bucket::full(f64::from(self.burst), self.per_second);
        Ok(Some(Pacer {
            configured: (f64::from(self.burst), self.per_second),
            state: Mutex::new(State {
                global: bucket,
                per_operation: HashMap::new(),
            }),
        }))
    }
}

/// The shared token buckets.
#[derive(Debug)]
pub(crate) struct Pacer {
    /// Burst and rate as configured: headers never loosen beyond these.
    configured: (f64, f64),
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// The API key's overall limit.
    global: Bucket,
    /// Endpoints seen to have a lower limit of their own, by method name.
    per_operation: HashMap<&'static str, Bucket>,
}

impl Pacer {
    /// Waits until a request of `operation` may go out, and spends a token.
    ///
    /// The token is reserved under the lock (the bucket may go negative),
    /// and the wait happens outside it, so concurrent callers queue in order
    /// without holding the lock while they sleep.
    pub(crate) async fn acquire(&self, operation: &'static str) {
        let wait = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let mut wait = state.global.reserve(now);
            if let Some(bucket) = state.per_operation.get_mut(operation) {
                wait = wait.max(bucket.reserve(now));
            }
            wait
        };
        if !wait.is_zero() {
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "pacing: waiting for rate-limit allowance"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// Corrects the estimate with what the API reported.
    pub(crate) fn observe(&self, operation: &'static str, reading: &RateLimit) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let (burst, rate) = self.configured;
        let key_limit = reading.widest_policy().cloned();
        if let Some(policy) = &key_limit
            && let Some(per_second) = policy.per_second()
        {
            state
                .global
                .reshape(now, (policy.limit as f64).min(burst), per_second.min(rate));
        }
        let binding = reading.limit;
        let endpoint_policy = match (&key_limit, binding) {
            (Some(key), Some(binding)) if binding < key.limit => reading
                .policies
                .iter()
                .find(|p| p.limit == binding && p.per_second().is_some())
                .cloned(),
            _ => None,
        };
        match endpoint_policy {
            Some(policy) => {
                let capacity = policy.limit as f64;
                let per_second = policy.per_second().unwrap_or(rate);
                let bucket = state
                    .per_operation
                    .entry(operation)
                    .or_insert_with(|| Bucket::full(capacity, per_second));
                bucket.reshape(now, capacity, per_second);
                if let Some(remaining) = reading.remaining {
                    bucket.clamp(now, remaining as f64);
                }
            }
            None => {
                if let Some(remaining) = reading.remaining {
                    state.global.clamp(now, remaining as f64);
                }
            }
        }
    }
}

/// A token bucket that refills continuously, like the API's.
#[derive(Debug)]
struct Bucket {
    capacity: f64,
    per_second: f64,
    /// May be negative: tokens reserved by callers still waiting.
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    fn full(capacity: f64, per_second: f64) -> Self {
        Bucket {
            capacity,
            per_second,
            tokens: capacity,
            updated: Instant::now(),
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.updated = now;
    }

    /// Spends one token; returns how long until it is actually available.
    fn reserve(&mut self, now: Instant) -> Duration {
        self.refill(now);
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.per_second)
        }
    }

    fn reshape(&mut self, now: Instant, capacity: f64, per_second: f64) {
        if capacity >= 1.0 && per_second > 0.0 && per_second.is_finite() {
            self.refill(now);
            self.capacity = capacity;
            self.per_second = per_second;
            self.tokens = self.tokens.min(capacity);
        }
    }

    /// Never more than the API says remain (requests still in flight were
    /// already counted locally, so this errs on the slow side).
    fn clamp(&mut self, now: Instant, remaining: f64) {
        self.refill(now);
        self.tokens = self.tokens.min(remaining);
    }
}
