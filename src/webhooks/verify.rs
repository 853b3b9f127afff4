//! Standard Webhooks (Svix) signatures: HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the base64 key
//! after the `whsec_` prefix of the endpoint's signing secret.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use http::{HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;

use super::{AuditLogEntry, WebhookError, WebhookEvent};

/// The header carrying the delivery's unique id (the same on every retry of
/// a delivery, so it is the key to deduplicate on).
pub const HEADER_ID: &str = "webhook-id";
/// The header carrying the time of signing, in seconds since the Unix epoch.
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// The header carrying one or more space-separated `v1,<base64>` signatures.
pub const HEADER_SIGNATURE: &str = "webhook-signature";

/// How far a delivery's timestamp may be from the verifier's clock, either
/// way, before it is refused: five minutes, the Standard Webhooks default.
/// Long enough for clock skew and a slow proxy, short enough that a captured
/// request cannot be replayed later.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

const SECRET_PREFIX: &str = "whsec_";
const SIGNATURE_VERSION: &str = "v1";

/// Standard base64, padding optional: secrets and signatures are produced
/// padded, but a secret pasted from somewhere that dropped the `=` should
/// still work.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

type Clock = dyn Fn() -> SystemTime + Send + Sync;

/// Verifies (and, for tests, creates) the signatures incident.io puts on
/// webhook deliveries.
///
/// Build one per endpoint from its signing secret (`whsec_…`, shown on the
/// endpoint's page in incident.io), at startup: a malformed secret is
/// reported then, not on the first delivery. Verify the body exactly as
/// received, before any JSON parsing, since re-encoding changes the bytes
/// that were signed.
///
/// Signatures are compared in constant time; the header may carry several
/// (while incident.io rotates the secret) and one match is enough. The
/// delivery's timestamp must be within [`DEFAULT_TOLERANCE`] of the clock
/// (see [`Verifier::with_tolerance`], [`Verifier::with_clock`]), which stops
/// a captured request from being replayed later.
///
/// Cloning is cheap. `Debug` prints the key as `****`.
///
/// ```no_run
/// use incidentio::webhooks::{Verifier, WebhookEvent};
///
/// fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
///     let verifier = Verifier::new(&std::env::var("INCIDENT_IO_WEBHOOK_SECRET")?)?;
///     match verifier.verify_event(body, headers)? {
///         WebhookEvent::PublicIncidentIncidentCreatedV2(incident) => {
///             println!("new incident: {}", incident.name);
///         }
///         other => println!("ignoring {}", other.event_type()),
///     }
///     Ok(())
/// }
/// ```
#[derive(Clone)]
pub struct Verifier {
    key: Arc<[u8]>,
    tolerance: Duration,
    clock: Option<Arc<Clock>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("key", &format_args!("****"))
            .field("tolerance", &self.tolerance)
            .field(
                "clock",
                &format_args!(
                    "{}",
                    if self.clock.is_some() {
                        "custom"
                    } else {
                        "system"
                    }
                ),
            )
            .finish()
    }
}

impl Verifier {
    /// A verifier for the endpoint signing secret `secret`: `whsec_`
    /// followed by the base64 of the key. The prefix may be left out, and
    /// surrounding whitespace (a newline from a file) is ignored.
    ///
    /// Fails with [`WebhookError::MalformedSecret`] when the rest is not
    /// base64 or is empty; the error never quotes the secret.
    ///
    /// ```
    /// use incidentio::webhooks::{Verifier, WebhookError};
    ///
    /// assert!(Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    /// assert!(matches!(
    ///     Verifier::new("whsec_not base64!"),
    ///     Err(WebhookError::MalformedSecret { .. })
    /// ));
    /// ```
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let secret = secret.trim();
        let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
        if encoded.is_empty() {
            return Err(WebhookError::MalformedSecret {
                reason: "it is empty",
            });
        }
        // The decoder's own error names the offending byte and its offset:
        // part of the secret. Say only what kind of problem it is.
        let key = BASE64
            .decode(encoded)
            .map_err(|_| WebhookError::MalformedSecret {
                reason: "the part after `whsec_` is not valid base64",
            })?;
        Self::from_key(key)
    }

    /// A verifier for a raw key (the bytes the `whsec_` secret encodes), for
    /// keys kept in binary form, such as in a secrets manager.
    ///
    /// Fails with [`WebhookError::MalformedSecret`] when `key` is empty.
    pub fn from_key(key: impl Into<Vec<u8>>) -> Result<Self, WebhookError> {
        let key = key.into();
        if key.is_empty() {
            return Err(WebhookError::MalformedSecret {
                reason: "the key is empty",
            });
        }
        Ok(Verifier {
            key: key.into(),
            tolerance: DEFAULT_TOLERANCE,
            clock: None,
        })
    }

    /// Accepts timestamps up to `tolerance` away from the clock, either way,
    /// instead of [`DEFAULT_TOLERANCE`]. Widen it for a host whose clock
    /// drifts; `Duration::MAX` disables the check (and replay protection).
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Reads the time from `clock` instead of [`SystemTime::now`]: tests can
    /// verify recorded deliveries, or check the tolerance edges, at a fixed
    /// instant.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use incidentio::webhooks::Verifier;
    ///
    /// let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
    ///     .with_clock(|| UNIX_EPOCH + Duration::from_secs(1_614_265_330));
    /// verifier.verify_parts(
    ///     br#"{"test": 2432232314}"#,
    ///     "msg_p5jXN8AQM9LWM0D4loKWxJek",
    ///     "1614265330",
    ///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    /// )?;
    /// # Ok::<(), incidentio::webhooks::WebhookError>(())
    /// ```
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The tolerance in force.
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// The verifier's clock reading, in seconds since the Unix epoch: the
    /// timestamp [`Verifier::signed_headers`] signs with.
    pub fn now(&self) -> i64 {
        let now = self.clock.as_ref().map_or_else(SystemTime::now, |c| c());
        match now.duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        }
    }

    /// Verifies a delivery: `body` exactly as received and the request's
    /// headers ([`HEADER_ID`], [`HEADER_TIMESTAMP`], [`HEADER_SIGNATURE`]).
    ///
    /// Checks, in order: the headers are present and well-formed, the
    /// timestamp is within the tolerance, and one `v1` signature matches.
    /// Each failure is its own [`WebhookError`] variant.
    pub fn verify(&self, body: &[u8], headers: &HeaderMap) -> Result<(), WebhookError> {
        self.verify_headers(body, headers).map(drop)
    }

    /// [`Verifier::verify`], returning the verified id and timestamp.
    pub(crate) fn verify_headers(
        &self,
        body: &[u8],
        headers: &HeaderMap,
    ) -> Result<(String, i64), WebhookError> {
        let id = header(headers, HEADER_ID)?;
        let timestamp = header(headers, HEADER_TIMESTAMP)?;
        self.verify_parts(body, id, timestamp, header(headers, HEADER_SIGNATURE)?)?;
        Ok((id.to_owned(), parse_timestamp(timestamp)?))
    }

    /// Verifies a delivery whose headers are plain strings, for frameworks
    /// without an [`http::HeaderMap`] (serverless events, other `http`
    /// versions): the values of `webhook-id`, `webhook-timestamp` and
    /// `webhook-signature`, in that order.
    pub fn verify_parts(
        &self,
        body: &[u8],
        id: &str,
        timestamp: &str,
        signature: &str,
    ) -> Result<(), WebhookError> {
        let signed_at = parse_timestamp(timestamp)?;
        let candidates = parse_signatures(signature)?;
        self.check_timestamp(signed_at)?;
        let expected = self.mac(id, timestamp, body);
        // Compare against every candidate, without stopping at the first
        // match, so the time taken says nothing about which one matched.
        let matched = candidates.iter().fold(false, |found, candidate| {
            found | ct_eq(&expected, candidate)
        });
        if matched {
            Ok(())
        } else {
            Err(WebhookError::NoMatchingSignature)
        }
    }

    /// Verifies a delivery, then decodes it as a [`WebhookEvent`]: the one
    /// call a webhook handler needs.
    pub fn verify_event(
        &self,
        body: &[u8],
        headers: &HeaderMap,
    ) -> Result<WebhookEvent, WebhookError> {
        self.verify(body, headers)?;
        WebhookEvent::from_slice(body)
    }

    /// Verifies a delivery, then decodes it as an [`AuditLogEntry`], for an
    /// endpoint that receives incident.io's audit-log stream.
    pub fn verify_audit_log_entry(
        &self,
        body: &[u8],
        headers: &HeaderMap,
    ) -> Result<AuditLogEntry, WebhookError> {
        self.verify(body, headers)?;
        AuditLogEntry::from_slice(body)
    }

    /// Verifies a delivery, then decodes it as any `T`: your own type, or
    /// `serde_json::Value` to look before deciding. A decoding failure gives
    /// the JSON path at fault.
    pub fn verify_json<T: DeserializeOwned>(
        &self,
        body: &[u8],
        headers: &HeaderMap,
    ) -> Result<T, WebhookError> {
        self.verify(body, headers)?;
        super::decode_slice(body)
    }

    /// The `webhook-signature` value for a delivery: `v1,` and the base64 of
    /// HMAC-SHA256 over `{id}.{timestamp}.{body}`. For testing your own
    /// handlers with deliveries that verify.
    ///
    /// ```
    /// use incidentio::webhooks::Verifier;
    ///
    /// let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// assert_eq!(
    ///     verifier.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#),
    ///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    /// );
    /// # Ok::<(), incidentio::webhooks::WebhookError>(())
    /// ```
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mac = self.mac(id, &timestamp.to_string(), body);
        format!("{SIGNATURE_VERSION},{}", BASE64.encode(mac))
    }

    /// The three headers of a delivery of `body` with id `id`, signed at the
    /// verifier's clock ([`Verifier::now`]): a request built with them
    /// passes [`Verifier::verify`]. For testing your own handlers.
    ///
    /// Fails with [`WebhookError::InvalidHeader`] when `id` is not visible
    /// ASCII, which no header could carry.
    ///
    /// ```
    /// use incidentio::webhooks::Verifier;
    ///
    /// let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// let body = br#"{"event_type": "x.y_v1", "x.y_v1": {}}"#;
    /// let headers = verifier.signed_headers("msg_1", body)?;
    /// verifier.verify(body, &headers)?;
    /// # Ok::<(), incidentio::webhooks::WebhookError>(())
    /// ```
    pub fn signed_headers(&self, id: &str, body: &[u8]) -> Result<HeaderMap, WebhookError> {
        let timestamp = self.now();
        let id_value = HeaderValue::from_str(id)
            .ok()
            .filter(|_| is_visible_ascii(id))
            .ok_or(WebhookError::InvalidHeader { name: HEADER_ID })?;
        let mut headers = HeaderMap::with_capacity(3);
        headers.insert(HEADER_ID, id_value);
        headers.insert(HEADER_TIMESTAMP, HeaderValue::from(timestamp));
        let signature = HeaderValue::from_str(&self.sign(id, timestamp, body))
            .expect("base64 is always a valid header value");
        headers.insert(HEADER_SIGNATURE, signature);
        Ok(headers)
    }

    fn mac(&self, id: &str, timestamp: &str, body: &[u8]) -> [u8; 32] {
        let mut mac = hmac_sha256::HMAC::new(&self.key);
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.finalize()
    }

    fn check_timestamp(&self, timestamp: i64) -> Result<(), WebhookError> {
        let now = self.now();
        let tolerance = i128::from(self.tolerance.as_secs());
        let delta = i128::from(now) - i128::from(timestamp);
        let magnitude = u64::try_from(delta.unsigned_abs()).unwrap_or(u64::MAX);
        if delta > tolerance {
            Err(WebhookError::TimestampTooOld {
                timestamp,
                now,
                age: magnitude,
                tolerance: self.tolerance,
            })
        } else if -delta > tolerance {
            Err(WebhookError::TimestampTooNew {
                timestamp,
                now,
                ahead: magnitude,
                tolerance: self.tolerance,
            })
        } else {
            Ok(())
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, WebhookError> {
    let value = headers
        .get(name)
        .ok_or(WebhookError::MissingHeader { name })?;
    value
        .to_str()
        .ok()
        .filter(|v| is_visible_ascii(v))
        .ok_or(WebhookError::InvalidHeader { name })
}

/// Visible ASCII and spaces: what `HeaderValue::to_str` accepts, minus tabs.
fn is_visible_ascii(value: &str) -> bool {
    value.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

/// Seconds since the epoch, digits only: a sign, spaces or a fraction would
/// mean the sender is not a Standard Webhooks implementation.
fn parse_timestamp(timestamp: &str) -> Result<i64, WebhookError> {
    if timestamp.is_empty() || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebhookError::MalformedTimestamp);
    }
    timestamp
        .parse()
        .map_err(|_| WebhookError::MalformedTimestamp)
}

/// The decoded `v1` signatures of a `webhook-signature` value. Entries of
/// other versions (`v1a` is the asymmetric scheme) are skipped; entries
/// that are not `<version>,<base64>`, or `v1` entries that are not 32 bytes,
/// are skipped too, as long as one well-formed `v1` entry remains.
fn parse_signatures(header: &str) -> Result<Vec<[u8; 32]>, WebhookError> {
    let signatures: Vec<[u8; 32]> = header
        .split_ascii_whitespace()
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == SIGNATURE_VERSION)
        .filter_map(|(_, encoded)| BASE64.decode(encoded).ok()?.try_into().ok())
        .collect();
    if signatures.is_empty() {
        Err(WebhookError::MalformedSignature)
    } else {
        Ok(signatures)
    }
}

/// Constant-time equality of two MACs: every byte is compared whatever the
/// earlier ones were, and `black_box` stops the optimiser from adding an
/// early exit.
fn ct_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a
        .iter()
        .zip(b)
        .fold(0u8, |acc, (x, y)| acc | std::hint::black_box(x ^ y));
    std::hint::black_box(diff) == 0
}
