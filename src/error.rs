//! The crate's error type, and the API's JSON error envelope.
//!
//! Every generated operation's `send()` returns [`Error`]. When the API
//! answers with an error status, its body (documented under "Errors" in the
//! API reference) is decoded into an [`ErrorEnvelope`], so the message, the
//! field at fault and the request id to quote to incident.io support survive
//! into the error's `Display`:
//!
//! ```text
//! 422 validation_error: A severity is required to open an incident (severity_id) [request 631766c4-4afd-4803-997c-cd700928fa4b]
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use crate::Tolerant;
use crate::ratelimit::{RateLimit, parse_retry_after};

/// Everything that can go wrong calling the API.
///
/// Match on the variant to tell "the API said no" ([`Error::Api`]) from "the
/// API could not be reached" ([`Error::Transport`], [`Error::Timeout`]), or
/// use the accessors ([`Error::status`], [`Error::is_not_found`], …) that
/// answer the common questions without a `match`.
///
/// ```no_run
/// # async fn run(client: incidentio::Client) {
/// match client.severities_v1_show().id("01FCNDV6P870EA6S7TK1DSYDG0").send().await {
///     Ok(severity) => println!("{:?}", severity.severity.name),
///     Err(e) if e.is_not_found() => println!("no such severity"),
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status (after any retries). Boxed: it
    /// carries the decoded envelope, and keeping `Error` small keeps every
    /// `Result` cheap to return.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The request could not be sent or the response not received: DNS,
    /// connection refused or reset, TLS, a body cut short.
    #[error("transport error calling {method_name}: {}", chain(source))]
    Transport {
        /// The generated method that was called, such as
        /// `incidents_v2_list` (`request` for a raw request).
        method_name: &'static str,
        /// Whether sending the request again is safe and may succeed: the
        /// connection failed before the request was written, or the
        /// request may be repeated (see [`Error::is_retryable`]).
        retryable: bool,
        /// The underlying error, with the URL stripped (URLs may carry
        /// tokens in query parameters).
        #[source]
        source: reqwest::Error,
    },
    /// An attempt took longer than the client's timeout.
    #[error("{method_name} timed out: {}", chain(source))]
    Timeout {
        /// The generated method that was called.
        method_name: &'static str,
        /// Whether sending the request again is safe (see
        /// [`Error::is_retryable`]): the request may have been acted on.
        retryable: bool,
        /// The underlying error, with the URL stripped.
        #[source]
        source: reqwest::Error,
    },
    /// A success body did not match the type the spec declares for it.
    ///
    /// The body that failed is kept ([`Error::body`]) so the caller can log
    /// it or fall back to reading it untyped; it is bounded by the client's
    /// [`max_body_size`](crate::ClientBuilder::max_body_size), and shared,
    /// not copied. `Display` shows only the path and a message cut to 512
    /// bytes.
    #[error("cannot decode the response of {method_name} at `{path}`: {message}")]
    Decode {
        /// The generated method that was called.
        method_name: &'static str,
        /// The JSON path that failed, such as `severities[0].rank` (`.` for
        /// the whole body).
        path: String,
        /// What was wrong there.
        message: String,
        /// The whole body that failed to decode.
        body: FailedBody,
    },
    /// A success body was larger than the client's
    /// [`max_body_size`](crate::ClientBuilder::max_body_size). Reading
    /// stopped at the limit, so memory stayed bounded; the request is not
    /// retried (it would be as large again).
    #[error("the response of {method_name} is larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The generated method that was called.
        method_name: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// An argument or configuration value was invalid: a missing required
    /// parameter, a malformed base URL, an unset API key. Nothing was sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A list operation returned a page cursor it had returned before:
    /// following it would loop forever, so the walk stopped (see
    /// [`crate::pagination`]).
    #[error("{method_name} returned the page cursor `{cursor}` twice; pagination stopped")]
    RepeatedCursor {
        /// The generated method that was called.
        method_name: &'static str,
        /// The cursor that came back again.
        cursor: String,
    },
}

impl Error {
    /// The API's error, when this is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<StatusCode> {
        self.api_error().map(|api| api.status)
    }

    /// The request id of an API error: quote it to incident.io support.
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(ApiError::request_id)
    }

    /// Whether the API answered 404: the object does not exist, or the key
    /// may not see it.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the API answered 429 (still, after any retries).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the API rejected the request's content (422, or an envelope
    /// of type `validation_error`): see [`Error::field_errors`].
    pub fn is_validation(&self) -> bool {
        self.api_error().is_some_and(|api| {
            api.status == StatusCode::UNPROCESSABLE_ENTITY
                || api
                    .envelope
                    .as_ref()
                    .is_some_and(|e| e.kind.known() == Some(&ErrorType::ValidationError))
        })
    }

    /// Whether an attempt timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// The messages of an API error by the request field they are about
    /// (`source.field`), for mapping onto a form. Errors about no particular
    /// field are left out.
    pub fn field_errors(&self) -> BTreeMap<String, Vec<String>> {
        let mut fields = BTreeMap::<String, Vec<String>>::new();
        let details = self
            .api_error()
            .and_then(|api| api.envelope.as_ref())
            .map_or(&[][..], |e| &e.errors[..]);
        for detail in details {
            if let Some(field) = detail.source.as_ref().and_then(|s| s.field.as_ref()) {
                fields
                    .entry(field.clone())
                    .or_default()
                    .push(detail.message.clone());
            }
        }
        fields
    }

    /// How long the API asked the caller to wait before trying again:
    /// `Retry-After`, else the body's `rate_limit.retry_after` when that
    /// time is still ahead. It is the wait the retry loop saw, so a caller
    /// retrying on its own waits as the client would have.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|api| api.retry_after)
    }

    /// The success body that failed to decode, for an [`Error::Decode`]:
    /// log it, or read it untyped (`serde_json::from_slice`) when the API
    /// sent something the spec does not declare.
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) {
    /// if let Err(e) = client.incidents_v2_list().send().await
    ///     && let Some(body) = e.body()
    /// {
    ///     let untyped: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    ///     eprintln!("{e}; the API sent {} bytes: {untyped}", body.len());
    /// }
    /// # }
    /// ```
    pub fn body(&self) -> Option<&[u8]> {
        match self {
            Error::Decode { body, .. } => Some(&body.0),
            _ => None,
        }
    }

    /// The generated method whose call failed (`incidents_v2_list`, or
    /// `request` for a raw request), when known.
    pub fn method_name(&self) -> Option<&'static str> {
        match self {
            Error::Api(api) => Some(api.method_name),
            Error::Transport { method_name, .. }
            | Error::Timeout { method_name, .. }
            | Error::Decode { method_name, .. }
            | Error::BodyTooLarge { method_name, .. }
            | Error::RepeatedCursor { method_name, .. } => Some(method_name),
            Error::InvalidArgument(_) => None,
        }
    }

    /// The spec's id of the operation whose call failed (`Incidents
    /// V2#List`), when it was a generated method.
    pub fn operation_id(&self) -> Option<&'static str> {
        crate::Operation::by_method_name(self.method_name()?).map(|op| op.id)
    }

    /// Whether sending the same request again is safe and may succeed, by
    /// the rule the client's own retry loop follows (see
    /// [`crate::RetryPolicy`]): a 429, or a transport failure before the
    /// request was written, always; a 502, 503 or 504, a timeout or a
    /// connection broken after the request was written, only for a request
    /// whose repetition does no harm (`GET`, `HEAD`, `PUT`, `DELETE`, or a
    /// create carrying the key the API de-duplicates on). A 5xx answered to
    /// a `POST` without such a key is not retryable: the first one may have
    /// created something. Anything else (a 4xx, a body that does not
    /// decode, a bad argument) would fail the same way again.
    ///
    /// The client has already retried what its policy allows when it
    /// returns an error; this tells a caller (a script, a queue, an agent)
    /// whether trying later is sound.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => api.retryable,
            Error::Transport { retryable, .. } | Error::Timeout { retryable, .. } => *retryable,
            Error::Decode { .. }
            | Error::BodyTooLarge { .. }
            | Error::InvalidArgument(_)
            | Error::RepeatedCursor { .. } => false,
        }
    }

    /// Converts progenitor's error for the generated method `method_name`
    /// into this crate's, reading the API's error envelope. Used by every
    /// generated `send()` (through `crate::body::finish`). Not public:
    /// progenitor's error type is not part of this crate's API.
    pub(crate) async fn from_progenitor(
        method_name: &'static str,
        error: progenitor_client::Error<()>,
    ) -> Error {
        use progenitor_client::Error as P;
        match error {
            P::UnexpectedResponse(response) => ApiError::from_response(method_name, response).await,
            // Not produced by the generated code (bodies are decoded by
            // `crate::body`), but mapped rather than assumed away.
            P::InvalidResponsePayload(body, error) => Error::Decode {
                method_name,
                path: ".".into(),
                message: bounded(error.to_string()),
                body: FailedBody(body),
            },
            P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => {
                Error::from_reqwest(method_name, e)
            }
            P::InvalidRequest(message) | P::Custom(message) => {
                Error::InvalidArgument(format!("{method_name}: {message}"))
            }
            P::ErrorResponse(value) => Error::Api(Box::new(ApiError {
                status: value.status(),
                method_name,
                retryable: retryable_status(value.status(), None),
                envelope: None,
                body: String::new(),
                retry_after: requested_wait(value.headers(), &ErrorPeek::default()),
                rate_limit: RateLimit::from_headers(value.headers()),
            })),
        }
    }

    /// A transport error of the generated method `method_name`. The retry
    /// loop's verdict on resending it rides on the error's URL (see
    /// [`crate::hooks::mark_resend`]), which is removed here, with any
    /// token the URL's query held; without a verdict, only a connection
    /// that failed before the request was written is retryable.
    pub(crate) fn from_reqwest(method_name: &'static str, error: reqwest::Error) -> Error {
        let retryable = crate::hooks::resend_marked(&error).unwrap_or_else(|| error.is_connect());
        let source = error.without_url();
        if source.is_timeout() {
            Error::Timeout {
                method_name,
                retryable,
                source,
            }
        } else {
            Error::Transport {
                method_name,
                retryable,
                source,
            }
        }
    }
}

/// The typed decode of a body failed: the error names the JSON path where
/// it stopped (found by scanning the text again, see [`crate::json_path`]),
/// with `serde_json`'s message and the body.
pub(crate) fn decode_error(
    method_name: &'static str,
    text: &str,
    body: &bytes::Bytes,
    error: &serde_json::Error,
) -> Error {
    Error::Decode {
        method_name,
        path: crate::json_path::path_of(text, error),
        message: bounded(error.to_string()),
        body: FailedBody(body.clone()),
    }
}

/// The body of an [`Error::Decode`], kept whole (shared with the response,
/// not copied) for [`Error::body`]. Its `Debug` shows only the size, so that
/// logging an error with `{:?}` never dumps the response's data.
#[derive(Clone, PartialEq, Eq)]
pub struct FailedBody(bytes::Bytes);

impl FailedBody {
    pub(crate) fn new(body: bytes::Bytes) -> Self {
        FailedBody(body)
    }

    /// The body's bytes.
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) {
    /// if let Err(incidentio::Error::Decode { body, .. }) = client.incidents_v2_list().send().await {
    ///     eprintln!("undecodable body of {} bytes", body.as_bytes().len());
    /// }
    /// # }
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for FailedBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FailedBody({} bytes)", self.0.len())
    }
}

/// How much of a decode error's message an error keeps. serde quotes the
/// offending value whole: a huge string in a bad body would otherwise make a
/// huge error, and put the response's data into every log line that prints it.
const DECODE_MESSAGE_LIMIT: usize = 512;

/// `message`, cut to [`DECODE_MESSAGE_LIMIT`] bytes on a character boundary.
fn bounded(mut message: String) -> String {
    if message.len() > DECODE_MESSAGE_LIMIT {
        let mut end = DECODE_MESSAGE_LIMIT;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push_str("… (truncated)");
    }
    message
}

/// Whether an error status may be resent: the retry loop's rule
/// ([`crate::retry::may_resend`]) for a request it judged `resend` (safe to
/// repeat or not); unknown, only what is safe for any request (a 429).
fn retryable_status(status: StatusCode, resend: Option<crate::hooks::ResendSafe>) -> bool {
    let safe = resend.is_some_and(|r| r.0);
    crate::retry::may_resend(
        safe,
        crate::retry::Failure::Status {
            status,
            server_wait: None,
        },
    )
}

/// How many bytes of a body that is not the envelope an error keeps: enough
/// to recognise a proxy's HTML page, not enough to bloat logs.
const RAW_BODY_LIMIT: usize = 512;

/// An error response from the API.
///
/// The body is decoded into [`ErrorEnvelope`] when it is one; otherwise (an
/// HTML 502 from a proxy, an empty 503, truncated JSON) `envelope` is `None`
/// and `body` keeps its first bytes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The generated method that was called, such as `incidents_v2_create`.
    pub method_name: &'static str,
    /// The decoded error body, when it is the API's envelope.
    pub envelope: Option<ErrorEnvelope>,
    /// The first bytes of a body that is not the envelope (lossy UTF-8);
    /// empty when the envelope decoded.
    pub body: String,
    /// The wait the API asked for, as the retry loop read it:
    /// `Retry-After` (seconds or HTTP date), else the body's
    /// `rate_limit.retry_after` when that time is still ahead.
    pub retry_after: Option<Duration>,
    /// The `X-RateLimit-*` headers of the response.
    pub rate_limit: Option<RateLimit>,
    /// The retry loop's verdict: see [`Error::is_retryable`].
    retryable: bool,
}

impl ApiError {
    /// The request id from the envelope, for incident.io support.
    pub fn request_id(&self) -> Option<&str> {
        self.envelope.as_ref()?.request_id.as_deref()
    }

    pub(crate) async fn from_response(
        method_name: &'static str,
        response: reqwest::Response,
    ) -> Error {
        let status = response.status();
        let headers = response.headers().clone();
        let response_wait = response.extensions().get::<RequestedWait>().copied();
        let resend = response
            .extensions()
            .get::<crate::hooks::ResendSafe>()
            .copied();
        let bytes = match response.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return Error::from_reqwest(method_name, e),
        };
        let envelope = serde_json::from_slice::<ErrorEnvelope>(&bytes).ok();
        let body = if envelope.is_some() {
            String::new()
        } else {
            let end = bytes.len().min(RAW_BODY_LIMIT);
            String::from_utf8_lossy(&bytes[..end]).into_owned()
        };
        // The wait the retry loop read from this response, when it went
        // through the loop; otherwise read the same way here.
        let retry_after = match response_wait {
            Some(RequestedWait(wait)) => wait,
            None => requested_wait(&headers, &ErrorPeek::read(&bytes)),
        };
        Error::Api(Box::new(ApiError {
            status,
            method_name,
            retryable: retryable_status(status, resend),
            envelope,
            body,
            retry_after,
            rate_limit: RateLimit::from_headers(&headers),
        }))
    }
}

impl fmt::Display for ApiError {
    /// `422 validation_error: A severity is required to open an incident
    /// (severity_id) [request 631766c4-…]`; for a body that is not the
    /// envelope, the status and the start of the body.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.status.as_u16();
        let reason = self.status.canonical_reason().unwrap_or("unknown status");
        let Some(envelope) = &self.envelope else {
            let text = self.body.trim();
            return if text.is_empty() {
                write!(f, "{code} {reason} (empty body)")
            } else {
                let snippet: String = text.chars().take(200).collect();
                let more = if snippet.len() < text.len() {
                    "…"
                } else {
                    ""
                };
                write!(f, "{code} {reason}: unexpected body: {snippet:?}{more}")
            };
        };
        write!(f, "{code} {}: ", envelope.kind)?;
        if envelope.errors.is_empty() {
            f.write_str(reason)?;
        }
        for (index, detail) in envelope.errors.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            f.write_str(if detail.message.is_empty() {
                &detail.code
            } else {
                &detail.message
            })?;
            if let Some(field) = detail.source.as_ref().and_then(|s| s.field.as_ref()) {
                write!(f, " ({field})")?;
            }
        }
        if let Some(id) = &envelope.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The API's JSON error body (see "Errors" in the API reference).
///
/// Decoding is tolerant: a new `type`, new fields here or in `errors[]`, or
/// a missing optional part all decode; unknown fields are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorEnvelope {
    /// The kind of error, such as `validation_error`.
    #[serde(rename = "type")]
    pub kind: Tolerant<ErrorType>,
    /// The HTTP status, repeated in the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The id to give incident.io support about this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The individual problems.
    #[serde(default)]
    pub errors: Vec<ErrorDetail>,
    /// The limit that was exceeded, on a 429.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitInfo>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One problem reported in an error body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// A machine-readable code, such as `is_required`.
    #[serde(default)]
    pub code: String,
    /// A human-readable explanation.
    #[serde(default)]
    pub message: String,
    /// Where in the request the problem is, when it is about one field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ErrorSource>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The part of the request an [`ErrorDetail`] is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorSource {
    /// The request field, such as `severity_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The `rate_limit` object of a 429 body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RateLimitInfo {
    /// The name of the API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The bucket size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Requests remaining (0 on a 429).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    /// When a request will succeed again, as an RFC 3339 timestamp. Kept as
    /// text so that an unexpected format never hides the rest of the error;
    /// [`RateLimitInfo::retry_after_time`] parses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<String>,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl RateLimitInfo {
    /// `retry_after` as a time, when it is RFC 3339.
    pub fn retry_after_time(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let text = self.retry_after.as_deref()?;
        chrono::DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc))
    }
}

/// The documented values of an error body's `type`. Held in a
/// [`Tolerant`], so a type added by the API later still decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// `authentication_error`: the key is missing, malformed or revoked.
    AuthenticationError,
    /// `validation_error`: the request content was rejected.
    ValidationError,
    /// `too_many_requests`: a rate limit was exceeded.
    TooManyRequests,
}

impl ErrorType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::AuthenticationError => "authentication_error",
            ErrorType::ValidationError => "validation_error",
            ErrorType::TooManyRequests => "too_many_requests",
        }
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ErrorType {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "authentication_error" => Ok(ErrorType::AuthenticationError),
            "validation_error" => Ok(ErrorType::ValidationError),
            "too_many_requests" => Ok(ErrorType::TooManyRequests),
            _ => Err(()),
        }
    }
}

impl Serialize for ErrorType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The wait an error response asks for: `Retry-After` (seconds or HTTP
/// date), else the body's `rate_limit.retry_after`. The one reading of it:
/// the retry loop uses it and records it on the response
/// ([`RequestedWait`]) for [`Error::retry_after`], so the two never
/// disagree.
///
/// A body time that has already passed asks for nothing (it is more likely
/// a clock behind the API's than a request to retry at once), so the retry
/// policy's own backoff applies; an explicit `Retry-After: 0` is kept.
pub(crate) fn requested_wait(
    headers: &reqwest::header::HeaderMap,
    body: &ErrorPeek,
) -> Option<Duration> {
    parse_retry_after(headers, SystemTime::now()).or_else(|| {
        let at = body.rate_limit.as_ref()?.retry_after.as_deref()?;
        until(at).filter(|wait| !wait.is_zero())
    })
}

/// The wait [`requested_wait`] read for a response, put in its extensions
/// by the retry loop so that the error built from it reports the same.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RequestedWait(pub(crate) Option<Duration>);

/// The parts of an error body read before the error is built (the request
/// id for the span, the wait for the retry loop). Read from any JSON
/// object, envelope or not; anything else leaves them empty.
#[derive(Default, Deserialize)]
pub(crate) struct ErrorPeek {
    #[serde(default)]
    pub(crate) request_id: Option<String>,
    #[serde(default)]
    rate_limit: Option<PeekRateLimit>,
}

#[derive(Deserialize)]
struct PeekRateLimit {
    #[serde(default)]
    retry_after: Option<String>,
}

impl ErrorPeek {
    /// Reads `body`; a body that is not such an object gives an empty peek.
    pub(crate) fn read(body: &[u8]) -> ErrorPeek {
        serde_json::from_slice(body).unwrap_or_default()
    }
}

/// The wait until an RFC 3339 time, zero if it has passed; `None` when it
/// does not parse.
fn until(rfc3339: &str) -> Option<Duration> {
    let at = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// An error and its sources on one line: reqwest's own message ("error
/// sending request") says little without the cause beneath it.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
