//! What can go wrong verifying or decoding a webhook delivery.

use std::time::Duration;

/// Why a delivery was rejected, or why a signing secret was refused.
///
/// Each check fails with its own variant, so a handler can log the precise
/// reason (a clock out of sync reads differently from a wrong secret) while
/// still answering the sender with a plain 4xx. No variant carries the
/// signing secret or any part of it.
///
/// [`WebhookError::is_verification_failure`] sorts the variants into "the
/// request is not authentic" and the rest, which is what most handlers need:
///
/// ```
/// use incidentio::webhooks::{Verifier, WebhookError};
///
/// let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let err = verifier
///     .verify_parts(b"{}", "msg_1", "1614265330", "v1,bm90IGEgc2lnbmF0dXJl")
///     .unwrap_err();
/// assert!(err.is_verification_failure());
/// # Ok::<(), WebhookError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signing secret is not `whsec_` followed by base64 (or is empty).
    /// A configuration mistake, found when the [`Verifier`](super::Verifier)
    /// is built rather than on the first delivery.
    #[error("malformed webhook signing secret: {reason}")]
    MalformedSecret {
        /// What is wrong with it, in words that never quote the secret.
        reason: &'static str,
    },
    /// One of the three signature headers is absent: the request was not
    /// sent by incident.io (or a proxy dropped the headers).
    #[error("missing `{name}` header")]
    MissingHeader {
        /// The header's name, such as `webhook-signature`.
        name: &'static str,
    },
    /// A signature header holds bytes that are not visible ASCII, so it
    /// cannot be part of a signed message.
    #[error("the `{name}` header is not visible ASCII")]
    InvalidHeader {
        /// The header's name.
        name: &'static str,
    },
    /// `webhook-timestamp` is not a whole number of seconds since the Unix
    /// epoch.
    #[error("malformed `webhook-timestamp` header: expected seconds since the Unix epoch")]
    MalformedTimestamp,
    /// `webhook-signature` holds no well-formed `v1,<base64>` entry (the
    /// HMAC-SHA256 signature is 32 bytes, 44 characters of base64).
    #[error(
        "malformed `webhook-signature` header: expected space-separated `v1,<base64 of 32 bytes>` entries"
    )]
    MalformedSignature,
    /// The delivery was signed longer ago than the tolerance allows: a
    /// replay of an old request, or a receiving clock that runs fast.
    #[error("webhook timestamp {timestamp} is {age}s before now ({now}), beyond the {}s tolerance", tolerance.as_secs())]
    TimestampTooOld {
        /// The `webhook-timestamp`, in seconds since the Unix epoch.
        timestamp: i64,
        /// The verifier's clock, in seconds since the Unix epoch.
        now: i64,
        /// `now - timestamp`, in seconds.
        age: u64,
        /// The tolerance that was exceeded.
        tolerance: Duration,
    },
    /// The delivery claims to be signed in the future, beyond the tolerance:
    /// a forged timestamp, or a receiving clock that runs slow.
    #[error("webhook timestamp {timestamp} is {ahead}s after now ({now}), beyond the {}s tolerance", tolerance.as_secs())]
    TimestampTooNew {
        /// The `webhook-timestamp`, in seconds since the Unix epoch.
        timestamp: i64,
        /// The verifier's clock, in seconds since the Unix epoch.
        now: i64,
        /// `timestamp - now`, in seconds.
        ahead: u64,
        /// The tolerance that was exceeded.
        tolerance: Duration,
    },
    /// No `v1` signature in `webhook-signature` matches the body, id and
    /// timestamp under this secret: the wrong secret, or a body or header
    /// changed in transit (a framework that re-encodes JSON before the
    /// handler sees it does this; verify the raw bytes).
    #[error("no webhook signature matches: wrong signing secret, or the body or headers changed")]
    NoMatchingSignature,
    /// The verified body is not JSON, or not the shape its event type or
    /// audit-log action declares.
    #[error("cannot decode the webhook body at `{path}`: {message}")]
    Decode {
        /// The JSON path that failed, such as
        /// `public_incident.incident_created_v2.severity` (`.` for the whole
        /// body).
        path: String,
        /// What was wrong there.
        message: String,
    },
}

impl WebhookError {
    /// Whether the request failed authentication: a missing, malformed,
    /// stale or non-matching signature. Answer those with 401 and do not act
    /// on the body. The others are a bad secret (a server configuration
    /// error) and a body that verified but does not decode.
    pub fn is_verification_failure(&self) -> bool {
        !matches!(
            self,
            WebhookError::MalformedSecret { .. } | WebhookError::Decode { .. }
        )
    }

    pub(crate) fn decode(path: impl Into<String>, message: impl Into<String>) -> Self {
        WebhookError::Decode {
            path: path.into(),
            message: message.into(),
        }
    }
}
