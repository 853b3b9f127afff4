//! The API's rate-limit headers, parsed.
//!
//! incident.io answers every request made with an API key with its current
//! allowance (see "Rate limit headers" in the API reference):
//!
//! ```text
//! X-RateLimit-Limit: 60, 1200;window=60, 60;window=60
//! X-RateLimit-Remaining: 59
//! X-RateLimit-Used: 1
//! X-RateLimit-Reset: 1785173199
//! ```
//!
//! [`RateLimit`] is that reading. Headers are advisory: one that does not
//! parse is ignored, never an error, because failing a successful call over
//! a malformed hint would be worse than not pacing.

use std::time::{Duration, SystemTime};

use progenitor_client::ResponseValue;
use reqwest::header::HeaderMap;

/// One limit that applied to a request, such as `1200;window=60`.
///
/// The API's limits are token buckets that refill continuously, so
/// `limit / window` is the rate that can be sustained indefinitely.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitPolicy {
    /// Requests allowed per window (also the size of the burst).
    pub limit: u64,
    /// The window the limit applies over, when the header gives one.
    pub window: Option<Duration>,
}

impl RateLimitPolicy {
    /// The sustained rate in requests per second (`limit / window`), when
    /// the window is known and not zero.
    pub fn per_second(&self) -> Option<f64> {
        let window = self.window?.as_secs_f64();
        (window > 0.0).then(|| self.limit as f64 / window)
    }
}

/// The allowance the API reported with one response.
///
/// `remaining`, `used` and `reset` describe whichever limit has the least
/// allowance left (the one that will be hit first); `policies` lists every
/// limit that applied. Read it from any response with
/// [`RateLimit::from_headers`] or [`ResponseExt::rate_limit`], or the most
/// recent one seen by a client with
/// [`Client::rate_limit`](crate::Client::rate_limit).
///
/// ```no_run
/// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
/// use incidentio::ResponseExt;
/// let response = client.severities_v1_list().send().await?;
/// if let Some(limit) = response.rate_limit() {
///     println!("{:?} requests left", limit.remaining);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// The quota that binds this request: the first item of
    /// `X-RateLimit-Limit`.
    pub limit: Option<u64>,
    /// Every limit listed in `X-RateLimit-Limit` with its window.
    pub policies: Vec<RateLimitPolicy>,
    /// `X-RateLimit-Remaining`: requests that can be made right now against
    /// the binding limit. May lag a little under concurrency.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Used`: requests spent against the binding limit.
    pub used: Option<u64>,
    /// `X-RateLimit-Reset`: when the binding limit is back to full.
    pub reset: Option<SystemTime>,
}

impl RateLimit {
    /// Parses the `X-RateLimit-*` headers of a response. Returns `None` when
    /// none of them is present and readable (the API omits them rather than
    /// guessing); a header that does not parse is skipped.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let number = |name: &str| text(name).and_then(|v| v.trim().parse::<u64>().ok());

        let mut reading = RateLimit::default();
        if let Some(limit) = text("x-ratelimit-limit") {
            parse_limit(limit, &mut reading);
        }
        reading.remaining = number("x-ratelimit-remaining");
        reading.used = number("x-ratelimit-used");
        reading.reset = number("x-ratelimit-reset")
            .and_then(|secs| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs)));

        let empty = reading.limit.is_none()
            && reading.policies.is_empty()
            && reading.remaining.is_none()
            && reading.used.is_none()
            && reading.reset.is_none();
        (!empty).then_some(reading)
    }

    /// The limit with the highest allowance among `policies`: the API key's
    /// overall limit, since endpoint-specific limits are lower. Used to
    /// correct the client's pacing.
    pub fn widest_policy(&self) -> Option<&RateLimitPolicy> {
        self.policies
            .iter()
            .filter(|p| p.per_second().is_some())
            .max_by_key(|p| p.limit)
    }
}

/// `60, 1200;window=60, 60;window=60`: the first item is the binding quota;
/// each item with a `window` parameter is a policy. Items that do not parse
/// are skipped one by one.
fn parse_limit(header: &str, reading: &mut RateLimit) {
    for (index, item) in header.split(',').enumerate() {
        let mut parts = item.split(';');
        let Some(Ok(limit)) = parts.next().map(|n| n.trim().parse::<u64>()) else {
            continue;
        };
        if index == 0 {
            reading.limit = Some(limit);
        }
        let window = parts.find_map(|param| {
            let (key, value) = param.split_once('=')?;
            if !key.trim().eq_ignore_ascii_case("window") {
                return None;
            }
            let secs = value.trim().trim_matches('"').parse::<u64>().ok()?;
            Some(Duration::from_secs(secs))
        });
        if window.is_some() {
            reading.policies.push(RateLimitPolicy { limit, window });
        }
    }
}

/// Rate-limit access on every successful response.
///
/// The generated operations return progenitor's `ResponseValue`, which keeps
/// the response headers; this reads the allowance from them.
pub trait ResponseExt {
    /// The rate-limit reading this response carried, if any.
    fn rate_limit(&self) -> Option<RateLimit>;
}

impl<T> ResponseExt for ResponseValue<T> {
    fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::from_headers(self.headers())
    }
}

/// `Retry-After` as a wait from `now`: either delay-seconds or an HTTP date
/// (RFC 9110 §10.2.3). A date in the past means no wait. Anything else is
/// ignored.
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}
