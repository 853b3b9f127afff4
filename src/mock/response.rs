//! What the mock answers: a status, headers and a body, and the API's error
//! envelope to put in one.

use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::Error;

/// A response the mock sends for an operation, set with
/// [`MockRoute::respond`](crate::mock::MockRoute::respond).
///
/// Built from a typed value ([`MockResponse::json`]), the API's error
/// envelope ([`MockResponse::error`]), or raw bytes for what the API itself
/// would never send but a proxy might ([`MockResponse::raw`]).
#[derive(Debug, Clone)]
pub struct MockResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<Bytes>,
}

impl MockResponse {
    /// `value` serialised as the JSON body: typically a generated type such
    /// as `types::IncidentsListResultV2`, so an override stays in step with
    /// the client's own types. Fails when `value` cannot be serialised (a
    /// map with non-string keys).
    pub fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Result<Self, Error> {
        let body = serde_json::to_vec(value).map_err(|e| {
            Error::InvalidArgument(format!("cannot serialise the mock response: {e}"))
        })?;
        Ok(Self::json_bytes(status, body))
    }

    /// An error response with the API's envelope; `body`'s `status` is
    /// filled in from `status`.
    pub fn error(status: StatusCode, body: ErrorBody) -> Self {
        Self::json_bytes(status, body.to_json(status))
    }

    /// A status with no body, as the API sends for a `204 No Content`.
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    /// Raw body bytes with no content type: for testing how code copes
    /// with what a proxy in front of the API might send (an HTML 502, a
    /// truncated body). Add a `content-type` with [`MockResponse::header`].
    pub fn raw(status: StatusCode, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(body.into()),
        }
    }

    /// Adds a response header, such as `retry-after`; fails (rather than
    /// sending something the HTTP server would refuse) when the name or
    /// value is not valid in a header.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let name = HeaderName::try_from(name)
            .map_err(|_| Error::InvalidArgument(format!("invalid header name {name:?}")))?;
        let value = HeaderValue::try_from(value)
            .map_err(|_| Error::InvalidArgument(format!("invalid value for header {name}")))?;
        self.headers.push((name, value));
        Ok(self)
    }

    /// The status this response is sent with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub(crate) fn json_bytes(status: StatusCode, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: vec![(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body: Some(body.into()),
        }
    }
}

/// The API's JSON error envelope, to send from the mock (the decoding side
/// is [`ErrorEnvelope`](crate::error::ErrorEnvelope)).
///
/// ```json
/// {"type": "validation_error", "status": 422, "request_id": "…",
///  "errors": [{"code": "is_required", "message": "…", "source": {"field": "severity_id"}}]}
/// ```
///
/// The constructors cover the kinds the API documents; [`ErrorBody::new`]
/// takes any other `type`. Without [`ErrorBody::request_id`], each response
/// gets a fresh random request id, as the API's would.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ErrorBody {
    kind: String,
    request_id: Option<String>,
    errors: Vec<Value>,
    extra: Map<String, Value>,
}

impl ErrorBody {
    /// An envelope of type `kind` with no individual errors yet.
    pub fn new(kind: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            request_id: None,
            errors: Vec::new(),
            extra: Map::new(),
        }
    }

    /// `validation_error` about one request field, as the API answers a
    /// rejected body (422): `field` is what
    /// [`Error::field_errors`](crate::Error::field_errors) keys it by.
    pub fn validation(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new("validation_error").field_error(field, code, message)
    }

    /// `not_found`, as for an id that does not exist (404).
    pub fn not_found() -> Self {
        Self::new("not_found").error("not_found", "The requested resource could not be found")
    }

    /// `authentication_error` for a request without an `Authorization`
    /// header (401), word for word as the API documents it.
    pub fn missing_authorization() -> Self {
        Self::new("authentication_error").error(
            "missing_authorization_material",
            "No authorization material provided in request",
        )
    }

    /// `authentication_error` for an `Authorization` header that is not
    /// `Bearer <key>`, or a key the API does not accept (401).
    pub fn invalid_authorization() -> Self {
        Self::new("authentication_error").error(
            "invalid_authorization_material",
            "The Authorization header must be `Bearer <API key>` with a valid API key",
        )
    }

    /// `too_many_requests` (429) with the `rate_limit` object the API
    /// sends: `retry_after` is an RFC 3339 time.
    pub fn too_many_requests(limit: u64, retry_after: impl Into<String>) -> Self {
        let mut rate_limit = Map::new();
        rate_limit.insert("name".into(), "mock-api-key".into());
        rate_limit.insert("limit".into(), limit.into());
        rate_limit.insert("remaining".into(), 0.into());
        rate_limit.insert("retry_after".into(), Value::String(retry_after.into()));
        Self::new("too_many_requests")
            .error(
                "too_many_requests",
                "Too many requests hit the API too quickly. We recommend an exponential \
                 backoff of your requests.",
            )
            .with("rate_limit", Value::Object(rate_limit))
    }

    /// Adds an individual error not tied to a field.
    pub fn error(mut self, code: impl Into<String>, message: impl Into<String>) -> Self {
        let mut detail = Map::new();
        detail.insert("code".into(), Value::String(code.into()));
        detail.insert("message".into(), Value::String(message.into()));
        self.errors.push(Value::Object(detail));
        self
    }

    /// Adds an individual error about request field `field`.
    pub fn field_error(
        mut self,
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let mut source = Map::new();
        source.insert("field".into(), Value::String(field.into()));
        let mut detail = Map::new();
        detail.insert("code".into(), Value::String(code.into()));
        detail.insert("message".into(), Value::String(message.into()));
        detail.insert("source".into(), Value::Object(source));
        self.errors.push(Value::Object(detail));
        self
    }

    /// Sets the request id, for asserting that it reaches
    /// [`Error::request_id`](crate::Error::request_id).
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Adds a top-level field the constructors do not cover, to test how
    /// code copes with envelope fields added after it was written.
    pub fn with(mut self, name: impl Into<String>, value: Value) -> Self {
        self.extra.insert(name.into(), value);
        self
    }

    /// The envelope as the API writes it, with `status` filled in.
    pub(crate) fn to_json(&self, status: StatusCode) -> Vec<u8> {
        let mut body = Map::new();
        body.insert("type".into(), Value::String(self.kind.clone()));
        body.insert("status".into(), status.as_u16().into());
        let request_id = self.request_id.clone().unwrap_or_else(random_request_id);
        body.insert("request_id".into(), Value::String(request_id));
        body.insert("errors".into(), Value::Array(self.errors.clone()));
        for (name, value) in &self.extra {
            body.insert(name.clone(), value.clone());
        }
        // Serialising a `Value` cannot fail.
        serde_json::to_vec(&Value::Object(body)).unwrap_or_default()
    }
}

/// A random version-4-style UUID, the shape of the API's request ids.
pub(crate) fn random_request_id() -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        fastrand::u32(..),
        fastrand::u16(..),
        fastrand::u16(..0x1000),
        fastrand::u8(8..12),
        fastrand::u16(..0x1000),
        fastrand::u64(..1 << 48),
    )
}
