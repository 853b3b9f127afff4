//! Request behaviour shared by every generated operation: progenitor calls
//! these hooks around each request, so authentication, timeouts, pacing,
//! retries, rate-limit capture and tracing live in one place instead of in
//! every generated method.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use tracing::Instrument;
use tracing::field::Empty;

use crate::error::{ErrorPeek, RequestedWait, requested_wait};
use crate::pacing::Pacer;
use crate::ratelimit::RateLimit;
use crate::retry::{Failure, RetryPolicy};

/// A client's configuration and shared state (key, user agent, timeout,
/// retry policy, pacing bucket, last rate-limit reading), which the hooks
/// read around every request. Cheap to clone: clones of a
/// [`Client`](crate::Client) share it, so they share one pacing bucket and
/// one most-recent rate-limit reading.
///
/// Public only because progenitor's generated client names it; users
/// cannot name it (this module is private) and need not: a
/// [`ClientBuilder`](crate::ClientBuilder) makes it. Its `Debug` never
/// shows the API key.
#[derive(Clone)]
pub struct ClientState {
    shared: Arc<Shared>,
}

struct Shared {
    /// `Bearer …`, marked sensitive.
    authorization: HeaderValue,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    pacer: Option<Pacer>,
    max_body_size: usize,
    last_rate_limit: Mutex<Option<RateLimit>>,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &self.shared;
        f.debug_struct("ClientState")
            .field("api_key", &format_args!("ApiKey(****)"))
            .field("user_agent", &shared.user_agent)
            .field("timeout", &shared.timeout)
            .field("retry", &shared.retry)
            .field("pacing", &shared.pacer.is_some())
            .field("max_body_size", &shared.max_body_size)
            .finish_non_exhaustive()
    }
}

impl ClientState {
    pub(crate) fn new(
        authorization: HeaderValue,
        user_agent: HeaderValue,
        timeout: Option<Duration>,
        retry: RetryPolicy,
        pacer: Option<Pacer>,
        max_body_size: usize,
    ) -> Self {
        ClientState {
            shared: Arc::new(Shared {
                authorization,
                user_agent,
                timeout,
                retry,
                pacer,
                max_body_size,
                last_rate_limit: Mutex::new(None),
            }),
        }
    }

    /// The user agent every request carries (for a request preview).
    pub(crate) fn user_agent(&self) -> &HeaderValue {
        &self.shared.user_agent
    }

    /// The most recent rate-limit reading of any response to this client or
    /// its clones.
    pub(crate) fn last_rate_limit(&self) -> Option<RateLimit> {
        self.shared
            .last_rate_limit
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Headers every request carries. The API key is added only when the
    /// request has no `Authorization` of its own: the heartbeat and HTTP
    /// alert-event operations take the caller's value for that header, and
    /// it must win. Setting them here rather than as the `reqwest::Client`'s
    /// default headers makes them apply to a caller-supplied client too.
    fn prepare(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        if !headers.contains_key(AUTHORIZATION) {
            headers.insert(AUTHORIZATION, self.shared.authorization.clone());
        }
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, self.shared.user_agent.clone());
        }
        if let Some(timeout) = self.shared.timeout
            && request.timeout().is_none()
        {
            *request.timeout_mut() = Some(timeout);
        }
    }

    /// Replaces the API key in an error body with `****`. The API never
    /// echoes it, but a misbehaving proxy's error page might, and the body
    /// ends up in [`crate::Error`]'s output.
    fn scrub(&self, body: bytes::Bytes) -> bytes::Bytes {
        let bearer = self.shared.authorization.as_bytes();
        let key = bearer.strip_prefix(b"Bearer ").unwrap_or(bearer);
        if key.is_empty() || !body.windows(key.len()).any(|w| w == key) {
            return body;
        }
        let mut scrubbed = Vec::with_capacity(body.len());
        let mut rest = &body[..];
        while let Some(at) = rest.windows(key.len()).position(|w| w == key) {
            scrubbed.extend_from_slice(&rest[..at]);
            scrubbed.extend_from_slice(b"****");
            rest = &rest[at + key.len()..];
        }
        scrubbed.extend_from_slice(rest);
        bytes::Bytes::from(scrubbed)
    }

    fn observe(&self, operation: &'static str, headers: &reqwest::header::HeaderMap) {
        let Some(reading) = RateLimit::from_headers(headers) else {
            return;
        };
        if let Some(pacer) = &self.shared.pacer {
            pacer.observe(operation, &reading);
        }
        *self
            .shared
            .last_rate_limit
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(reading);
    }
}

/// What the retry loop needs to know of one call besides its request.
pub(crate) struct Call<'a> {
    /// The generated method name (or `request` for a raw request): the
    /// pacing bucket, and the operation errors name.
    pub(crate) method_name: &'static str,
    /// The span's `operation_id`: the spec's id, or `raw GET /v2/…`.
    pub(crate) operation_id: &'a str,
    /// The span's `url.template`, such as `/v2/incidents/{id}`: `None` for
    /// a raw request to a path no operation has (a raw path is not a
    /// low-cardinality name for a span).
    pub(crate) template: Option<&'a str>,
    /// The request body's field that the API de-duplicates on, when the
    /// operation has one (see [`crate::Operation::idempotency_key`]).
    pub(crate) idempotency_key: Option<&'static str>,
}

impl ClientHooks<ClientState> for crate::Client {
    /// Sends the request, pacing each attempt and retrying per the client's
    /// [`RetryPolicy`]. Each attempt runs in an `incidentio.request` span
    /// named and described in OpenTelemetry's HTTP client conventions (see
    /// [`ClientState::send`]).
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let method_name = info.operation_id;
        let operation = crate::Operation::by_method_name(method_name);
        let call = Call {
            method_name,
            operation_id: operation.map_or(method_name, |op| op.id),
            template: operation.map(|op| op.path),
            idempotency_key: operation.and_then(|op| op.idempotency_key),
        };
        self.inner().send(self.client(), request, &call).await
    }
}

impl ClientState {
    /// The request path every call takes, generated or raw: auth and user
    /// agent, pacing, one span per attempt, the success body read (bounded)
    /// inside the loop, and retries per the [`RetryPolicy`]. A `POST` whose
    /// body carries the operation's idempotency key is retried like a `PUT`.
    ///
    /// Each attempt is its own `incidentio.request` span in OpenTelemetry's
    /// HTTP client semantic conventions, so that a `tracing-opentelemetry`
    /// layer exports what trace backends group and chart by: `otel.name`
    /// (`GET /v2/incidents/{id}`), `otel.kind` (`client`),
    /// `http.request.method`, `url.template`, `url.full` (every query value
    /// replaced by `REDACTED`: a query may carry a token),
    /// `server.address`, `server.port`, `http.request.resend_count` (absent
    /// on the first attempt, then 1, 2, …), `http.response.status_code`,
    /// and on a failed attempt `error.type`
    /// (the status, such as `503`, or `timeout`, `transport`,
    /// `body_too_large`) with `otel.status_code` = `ERROR`. Two fields are
    /// this crate's own: `operation_id` (the spec's id, `Incidents V2#Show`)
    /// and `request_id` (the API's, for incident.io's support). Never a
    /// header, so never the key.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        call: &Call<'_>,
    ) -> reqwest::Result<reqwest::Response> {
        self.prepare(&mut request);
        let method = request.method().clone();
        let replay_safe = call
            .idempotency_key
            .is_some_and(|key| carries_key(&request, key));
        let safe = replay_safe || crate::retry::idempotent(&method);
        let policy = &self.shared.retry;
        let otel = OtelRequest::new(&request, call.template);
        let started = tokio::time::Instant::now();
        let mut attempt: u32 = 1;

        loop {
            // Keep a copy to resend; a streaming body cannot be cloned, and
            // then this attempt is the only one.
            let spare = if policy.allows_retry_after(attempt) {
                request.try_clone()
            } else {
                None
            };
            if let Some(pacer) = &self.shared.pacer {
                pacer.acquire(call.method_name).await;
            }

            let span = tracing::info_span!(
                "incidentio.request",
                otel.name = otel.name.as_str(),
                otel.kind = "client",
                otel.status_code = Empty,
                operation_id = call.operation_id,
                http.request.method = otel.method,
                http.request.method_original = otel.method_original,
                url.template = call.template,
                url.full = otel.url_full.as_str(),
                server.address = otel.server_address.as_str(),
                // Integers as i64: tracing-opentelemetry exports a u64
                // field as a string attribute, an i64 as an integer.
                server.port = otel.server_port.map(i64::from),
                http.request.resend_count = (attempt > 1).then(|| i64::from(attempt - 1)),
                http.response.status_code = Empty,
                "error.type" = Empty,
                request_id = Empty,
            );
            let outcome = attempt_once(http, request, self, call.method_name, &span)
                .instrument(span.clone())
                .await;

            let failure = match &outcome {
                Ok(done) if done.response.status().is_success() => {
                    return outcome.map(|d| d.response);
                }
                Ok(done) => Failure::Status {
                    status: done.response.status(),
                    server_wait: done.server_wait,
                },
                // A connection that failed, stalled or broke (before the
                // response, or in the middle of its body): worth another try
                // for idempotent requests. Anything else (a redirect loop,
                // say) would fail the same way again.
                Err(e)
                    if e.is_connect()
                        || e.is_timeout()
                        || e.is_request()
                        || e.is_body()
                        || e.is_decode() =>
                {
                    Failure::Transport {
                        written: !e.is_connect(),
                    }
                }
                Err(_) => return finished(outcome, None, safe),
            };
            let wait = spare.as_ref().and_then(|_| {
                policy.next_wait(
                    &method,
                    replay_safe,
                    failure,
                    attempt - 1,
                    started.elapsed(),
                )
            });
            match (wait, spare) {
                (Some(wait), Some(spare)) => {
                    span.in_scope(|| {
                        tracing::debug!(
                            wait_ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX),
                            "retrying after a retryable failure"
                        );
                    });
                    tokio::time::sleep(wait).await;
                    request = spare;
                    attempt += 1;
                }
                _ => return finished(outcome, Some(failure), safe),
            }
        }
    }
}

/// Whether the request an error response answered may be sent again
/// (the retry loop's `safe`: an idempotent method, or a create carrying
/// its replay key), carried in the response's extensions to
/// [`crate::ApiError`] for [`crate::Error::is_retryable`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct ResendSafe(pub(crate) bool);

/// The fragment that marks a transport error's URL with the retry loop's
/// verdict: a `reqwest::Error` carries no data of ours, but its URL does,
/// and [`crate::Error::from_reqwest`] reads the mark and removes the URL
/// (query and all) before anyone sees it.
const RESEND_MARK: &str = "incidentio-resend";
const NO_RESEND_MARK: &str = "incidentio-no-resend";

/// Marks a transport error with whether it may be sent again.
fn mark_resend(error: &mut reqwest::Error, retryable: bool) {
    if let Some(url) = error.url_mut() {
        url.set_fragment(Some(if retryable {
            RESEND_MARK
        } else {
            NO_RESEND_MARK
        }));
    }
}

/// The verdict [`mark_resend`] left on a transport error, if any.
pub(crate) fn resend_marked(error: &reqwest::Error) -> Option<bool> {
    match error.url()?.fragment()? {
        RESEND_MARK => Some(true),
        NO_RESEND_MARK => Some(false),
        _ => None,
    }
}

/// The retry loop's last outcome, with its verdict on resending attached
/// for [`crate::Error::is_retryable`]: an error response gets
/// [`ResendSafe`], a transport error the mark of [`mark_resend`].
fn finished(
    outcome: reqwest::Result<Attempt>,
    failure: Option<Failure>,
    safe: bool,
) -> reqwest::Result<reqwest::Response> {
    match outcome {
        Ok(done) => {
            let mut response = done.response;
            response.extensions_mut().insert(ResendSafe(safe));
            Ok(response)
        }
        Err(mut error) => {
            let retryable = failure.is_some_and(|f| crate::retry::may_resend(safe, f));
            mark_resend(&mut error, retryable);
            Err(error)
        }
    }
}

/// Whether a JSON request body carries `key` with a non-empty value: only
/// then will the API recognise a repeat.
fn carries_key(request: &reqwest::Request, key: &str) -> bool {
    let Some(body) = request.body().and_then(reqwest::Body::as_bytes) else {
        return false;
    };
    let Ok(fields) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body)
    else {
        return false;
    };
    match fields.get(key) {
        Some(serde_json::Value::String(value)) => !value.trim().is_empty(),
        Some(serde_json::Value::Null) | None => false,
        Some(_) => true,
    }
}

/// What every attempt's span says of the request, worked out once per call:
/// the request's URL and method do not change between attempts.
struct OtelRequest {
    /// `{method} {url.template}`, or the method alone for a raw request to
    /// a path no operation has.
    name: String,
    /// The method as OpenTelemetry names it: `_OTHER` for a method outside
    /// its list of known ones (only a raw request can send one).
    method: &'static str,
    /// The method as sent, when `method` is `_OTHER`.
    method_original: Option<String>,
    url_full: String,
    server_address: String,
    server_port: Option<u16>,
}

impl OtelRequest {
    fn new(request: &reqwest::Request, template: Option<&str>) -> Self {
        let sent = request.method().as_str();
        let method = KNOWN_METHODS
            .iter()
            .copied()
            .find(|known| *known == sent)
            .unwrap_or("_OTHER");
        let name_method = if method == "_OTHER" { "HTTP" } else { method };
        let url = request.url();
        OtelRequest {
            name: match template {
                Some(template) => format!("{name_method} {template}"),
                None => name_method.to_owned(),
            },
            method,
            method_original: (method == "_OTHER").then(|| sent.to_owned()),
            url_full: redacted_url(url),
            server_address: url.host_str().unwrap_or_default().to_owned(),
            server_port: url.port_or_known_default(),
        }
    }
}

/// The methods OpenTelemetry's HTTP conventions call known (RFC 9110's,
/// `PATCH` and `QUERY`); any other is traced as `_OTHER`.
const KNOWN_METHODS: &[&str] = &[
    "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY", "TRACE",
];

/// The URL for `url.full`: no user or password, and every query value
/// replaced by `REDACTED` (names kept). A query may carry a secret (the
/// heartbeat and HTTP alert-event operations take a `token` there), and a
/// filter's values are the caller's data.
fn redacted_url(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_fragment(None);
    if url.query().is_some() {
        let names: Vec<String> = url
            .query_pairs()
            .map(|(name, _)| name.into_owned())
            .collect();
        url.query_pairs_mut()
            .clear()
            .extend_pairs(names.iter().map(|name| (name.as_str(), "REDACTED")));
    }
    url.into()
}

/// `error.type` for an attempt that got no response (or lost its body):
/// the kind of [`crate::Error`] it becomes, `timeout` or `transport`.
fn transport_error_type(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else {
        "transport"
    }
}

/// Marks an attempt's span as failed: `error.type`, and the span status
/// OpenTelemetry asks of a client span that failed (a 4xx or 5xx included).
fn record_failure(span: &tracing::Span, error_type: &str) {
    span.record("error.type", error_type);
    span.record("otel.status_code", "ERROR");
}

/// One attempt's response, with what the retry decision needs from it.
struct Attempt {
    response: reqwest::Response,
    /// The delay the API asked for, read by
    /// [`requested_wait`](crate::error::requested_wait).
    server_wait: Option<Duration>,
}

/// Sends once, records status, request id and rate limit on the current
/// span and the runtime. An error response's body is read here (they are
/// small) to find the request id and `rate_limit.retry_after`, then put back
/// so [`crate::Error`] can decode it, with the wait read
/// ([`RequestedWait`]) for [`crate::Error::retry_after`] to report.
async fn attempt_once(
    http: &reqwest::Client,
    request: reqwest::Request,
    runtime: &ClientState,
    method_name: &'static str,
    span: &tracing::Span,
) -> reqwest::Result<Attempt> {
    let response = match http.execute(request).await {
        Ok(response) => response,
        Err(mut error) => {
            // The URL may carry a token in its query (heartbeat pings do):
            // keep it out of logs and errors.
            if let Some(url) = error.url_mut() {
                url.set_query(None);
            }
            tracing::debug!(error = %crate::error::chain(&error), "request failed");
            record_failure(span, transport_error_type(&error));
            return Err(error);
        }
    };
    let status = response.status();
    span.record("http.response.status_code", i64::from(status.as_u16()));
    if status.is_client_error() || status.is_server_error() {
        record_failure(span, status.as_str());
    }
    runtime.observe(method_name, response.headers());
    let header_request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(id) = &header_request_id {
        span.record("request_id", id.as_str());
    }
    if status.is_success() {
        // Read here, inside the retry loop, so that a body broken mid-read
        // is retried like a failed connection; bounded by the limit.
        let mut response = response;
        let version = response.version();
        let headers = std::mem::take(response.headers_mut());
        let mut rebuilt =
            match crate::body::read_limited(&mut response, runtime.shared.max_body_size).await {
                Ok(Ok(body)) => http_response(status, version, body),
                Ok(Err(too_large)) => {
                    tracing::debug!(limit = too_large.limit, "response body over the limit");
                    record_failure(span, "body_too_large");
                    let mut rebuilt = http_response(status, version, bytes::Bytes::new());
                    rebuilt.extensions_mut().insert(too_large);
                    rebuilt
                }
                Err(mut error) => {
                    if let Some(url) = error.url_mut() {
                        url.set_query(None);
                    }
                    tracing::debug!(error = %crate::error::chain(&error), "response body failed");
                    record_failure(span, transport_error_type(&error));
                    return Err(error);
                }
            };
        *rebuilt.headers_mut() = headers;
        return Ok(Attempt {
            response: reqwest::Response::from(rebuilt),
            // A success is not retried: no wait to read.
            server_wait: None,
        });
    }

    let version = response.version();
    let headers = response.headers().clone();
    let body = runtime.scrub(response.bytes().await?);
    let peek = ErrorPeek::read(&body);
    if header_request_id.is_none()
        && let Some(id) = &peek.request_id
    {
        span.record("request_id", id.as_str());
    }
    let server_wait = requested_wait(&headers, &peek);
    tracing::debug!(
        status = i64::from(status.as_u16()),
        retry_after_ms =
            server_wait.map(|wait| i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)),
        "error response"
    );

    let mut rebuilt = http_response(status, version, body);
    *rebuilt.headers_mut() = headers;
    rebuilt.extensions_mut().insert(RequestedWait(server_wait));
    Ok(Attempt {
        response: reqwest::Response::from(rebuilt),
        server_wait,
    })
}

fn http_response(
    status: reqwest::StatusCode,
    version: reqwest::Version,
    body: bytes::Bytes,
) -> http::Response<bytes::Bytes> {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.version_mut() = version;
    response
}
