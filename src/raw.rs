//! Requests the spec does not (yet) describe, through the same client.
//!
//! An endpoint added to the API after this crate was built has no generated
//! method; [`Client::request`](crate::Client::request) reaches it anyway,
//! with everything a generated operation gets: the key and user agent,
//! timeouts, pacing, retries by method (a `POST` is never retried on a
//! 5xx), rate-limit capture, the `incidentio.request` span (its operation
//! named `raw GET /v2/…`) and the typed [`Error`] with the decoded error
//! envelope.
//!
//! The path must be relative to the client's base URL: a full URL, a
//! `//host` path, a `..` segment or a backslash is refused with
//! [`Error::InvalidArgument`] before anything is sent, so the key never
//! travels to another host.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use progenitor_client::ClientInfo;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::hooks::Call;
use crate::path_template::Template;

/// The name a raw request's errors give as their operation.
pub(crate) const RAW_OPERATION: &str = "request";

impl crate::Client {
    /// A request to `path` (relative to the base URL, such as
    /// `/v2/incidents`) that the spec need not describe, sent through the
    /// client's auth, pacing, retries and error decoding. See
    /// [`RawRequest`].
    ///
    /// ```no_run
    /// use incidentio::Method;
    ///
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let response = client
    ///     .request(Method::GET, "/v2/incidents")
    ///     .query("page_size", "5")
    ///     .send()
    ///     .await?;
    /// println!("{} {} bytes", response.status(), response.body().len());
    /// # Ok(()) }
    /// ```
    pub fn request(&self, method: Method, path: &str) -> RawRequest<'_> {
        RawRequest {
            client: Cow::Borrowed(self),
            method,
            path: path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }
}

/// A request built by [`Client::request`](crate::Client::request): query
/// pairs, headers and a JSON body, then [`send`](RawRequest::send) for the
/// raw response or [`send_as`](RawRequest::send_as) to decode it.
///
/// Problems with the parts (an invalid header, a body that does not
/// serialise, a path that leaves the base URL) are reported by `send` as
/// [`Error::InvalidArgument`], before anything is sent.
///
/// Its `Debug` shows the value of a header that may carry a credential
/// (`Authorization`, a cookie, anything named like a token, key or
/// secret) as `****`.
#[derive(Clone)]
#[must_use = "a request does nothing until sent"]
pub struct RawRequest<'a> {
    // Borrowed from `Client::request`; owned (a cheap clone: the client is
    // reference-counted) when a prefetched page request must outlive it.
    pub(crate) client: Cow<'a, crate::Client>,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Result<Bytes, String>>,
}

impl fmt::Debug for RawRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), shown_header_value(name, value)))
            .collect();
        f.debug_struct("RawRequest")
            .field("client", &self.client)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field(
                "body",
                &self.body.as_ref().map(|b| b.as_ref().map(Bytes::len)),
            )
            .finish()
    }
}

/// What a `Debug` or a preview shows of a header's value: `****` for one
/// that may be a credential.
pub(crate) fn shown_header_value<'v>(name: &str, value: &'v str) -> &'v str {
    if is_sensitive_header(name) {
        "****"
    } else {
        value
    }
}

/// Whether a header may carry a credential.
fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || ["token", "secret", "key", "password", "signature", "auth"]
        .iter()
        .any(|word| name.contains(word))
}

impl<'a> RawRequest<'a> {
    /// Adds a query pair; pairs are sent in the order added, and a name may
    /// repeat (`status[one_of]=a&status[one_of]=b`).
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let live = client
    ///     .request(incidentio::Method::GET, "/v2/incidents")
    ///     .query("status_category[one_of]", "live")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a header. An `Authorization` header replaces the client's key
    /// for this request.
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let response = client
    ///     .request(incidentio::Method::GET, "/v1/identity")
    ///     .header("accept", "application/json")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets a JSON body (and `Content-Type: application/json`).
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let created = client
    ///     .request(incidentio::Method::POST, "/v2/incidents")
    ///     .json(&serde_json::json!({
    ///         "idempotency_key": "deploy-4711",
    ///         "visibility": "public",
    ///     }))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.body = Some(
            serde_json::to_vec(body)
                .map(Bytes::from)
                .map_err(|e| e.to_string()),
        );
        self
    }

    /// Adds the query pairs of a deepObject filter parameter
    /// (`name[one_of]=A&name[one_of]=B`), encoded as the generated builders
    /// encode it.
    ///
    /// ```no_run
    /// use incidentio::filter::Filter;
    ///
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let live = client
    ///     .request(incidentio::Method::GET, "/v2/incidents")
    ///     .filter("status_category", &Filter::one_of(["live"]))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn filter(mut self, name: &str, filter: &crate::filter::Filter) -> Self {
        self.query.extend(
            filter
                .query_pairs(name)
                .map(|(key, value)| (key, value.to_owned())),
        );
        self
    }

    /// What [`send`](RawRequest::send) would send, for a dry run: method,
    /// URL, the headers the client adds (the key masked, the real user
    /// agent) and the body. Fails as `send` would for a path that is not
    /// relative to the base URL.
    ///
    /// ```no_run
    /// # fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let preview = client
    ///     .request(incidentio::Method::POST, "/v2/incidents")
    ///     .json(&serde_json::json!({"name": "db"}))
    ///     .preview()?;
    /// println!("{preview}");
    /// # Ok(()) }
    /// ```
    pub fn preview(&self) -> Result<RequestPreview, Error> {
        let mut headers = vec![
            ("Authorization".to_owned(), "Bearer ****".to_owned()),
            (
                "User-Agent".to_owned(),
                String::from_utf8_lossy(self.client.inner().user_agent().as_bytes()).into_owned(),
            ),
        ];
        let own_authorization = self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("authorization"));
        if own_authorization {
            headers.remove(0);
        }
        headers.extend(
            self.headers
                .iter()
                .map(|(n, v)| (n.clone(), shown_header_value(n, v).to_owned())),
        );
        let body = match &self.body {
            None => None,
            Some(Ok(bytes)) => {
                headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
                Some(serde_json::from_slice(bytes).unwrap_or(serde_json::Value::Null))
            }
            Some(Err(e)) => {
                return Err(Error::InvalidArgument(format!(
                    "the request body does not serialise: {e}"
                )));
            }
        };
        Ok(RequestPreview {
            method: self.method.clone(),
            url: self.url()?,
            headers,
            body,
        })
    }

    /// The URL the request would go to (base URL, path and query), for a
    /// dry run or a log line. Fails as `send` would for a path that is not
    /// relative to the base URL.
    ///
    /// ```no_run
    /// # fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let url = client
    ///     .request(incidentio::Method::GET, "/v2/incidents")
    ///     .query("page_size", "5")
    ///     .url()?;
    /// assert_eq!(url.path(), "/v2/incidents");
    /// # Ok(()) }
    /// ```
    pub fn url(&self) -> Result<Url, Error> {
        let mut url = resolve(self.client.baseurl(), &self.path)?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        Ok(url)
    }

    /// Sends the request. A success status gives the [`RawResponse`]; an
    /// error status gives [`Error::Api`] with the decoded envelope, as for a
    /// generated operation.
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let response = client.request(incidentio::Method::GET, "/v1/identity").send().await?;
    /// let identity: serde_json::Value = response.json()?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<RawResponse, Error> {
        let url = self.url()?;
        let mut headers = HeaderMap::with_capacity(self.headers.len() + 1);
        for (name, value) in &self.headers {
            let name = HeaderName::try_from(name.as_str()).map_err(|_| {
                Error::InvalidArgument(format!("`{name}` is not a valid header name"))
            })?;
            // The value is not quoted: it may be a credential.
            let value = HeaderValue::try_from(value.as_str()).map_err(|_| {
                Error::InvalidArgument(format!("the value of header `{name}` is not valid"))
            })?;
            headers.append(name, value);
        }
        let mut builder = self.client.client().request(self.method.clone(), url);
        if let Some(body) = self.body {
            let body = body.map_err(|e| {
                Error::InvalidArgument(format!("the request body does not serialise: {e}"))
            })?;
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body);
        }
        let request = builder
            .headers(headers)
            .build()
            .map_err(|e| Error::InvalidArgument(format!("cannot build the request: {e}")))?;

        // The path without a query the caller may have written into it: a
        // query value can be a secret, and the span never carries one.
        let route = self.path.split('?').next().unwrap_or_default();
        let operation = format!("raw {} {route}", self.method);
        let known = matching_operation(&self.method, &self.path);
        let call = Call {
            method_name: RAW_OPERATION,
            operation_id: &operation,
            template: known.map(|op| op.path),
            idempotency_key: known.and_then(|op| op.idempotency_key),
        };
        let response = self
            .client
            .inner()
            .send(self.client.client(), request, &call)
            .await
            .map_err(|e| Error::from_reqwest(RAW_OPERATION, e))?;
        if !response.status().is_success() {
            return Err(crate::error::ApiError::from_response(RAW_OPERATION, response).await);
        }
        let (status, headers, body) = crate::body::success_parts(RAW_OPERATION, response).await?;
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    /// Sends the request and decodes a success body into `T` (any
    /// `DeserializeOwned`, such as your own type for a new endpoint, or
    /// `serde_json::Value`). A body that does not decode gives
    /// [`Error::Decode`] with the path and the body.
    ///
    /// ```no_run
    /// #[derive(serde::Deserialize)]
    /// struct Identity {
    ///     name: String,
    /// }
    ///
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let wrapper: serde_json::Value =
    ///     client.request(incidentio::Method::GET, "/v1/identity").send_as().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_as<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send().await?.json()
    }
}

/// A request as [`RawRequest::preview`] shows it; `Display` writes it the
/// way HTTP would (request line, headers, a blank line, the body as
/// indented JSON), with credentials masked.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RequestPreview {
    /// The HTTP method.
    pub method: Method,
    /// The full URL, query included.
    pub url: Url,
    /// The headers sent, credentials masked (`Bearer ****`).
    pub headers: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<serde_json::Value>,
}

impl fmt::Display for RequestPreview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.url)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        if let Some(body) = &self.body {
            let text = serde_json::to_string_pretty(body).map_err(|_| fmt::Error)?;
            writeln!(f, "\n{text}")?;
        }
        Ok(())
    }
}

/// The answer to a [`RawRequest`] with a success status: status, headers
/// and the body as it came.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    /// The HTTP status (a success: error statuses are [`Error::Api`]).
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let response = client.request(incidentio::Method::GET, "/v1/identity").send().await?;
    /// assert!(response.status().is_success());
    /// # Ok(()) }
    /// ```
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (rate limit, request id, …).
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let response = client.request(incidentio::Method::GET, "/v1/identity").send().await?;
    /// let request_id = response.headers().get("x-request-id");
    /// # Ok(()) }
    /// ```
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as received (bounded by the client's
    /// [`max_body_size`](crate::ClientBuilder::max_body_size)).
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let response = client.request(incidentio::Method::GET, "/v1/identity").send().await?;
    /// std::io::Write::write_all(&mut std::io::stdout(), response.body()).ok();
    /// # Ok(()) }
    /// ```
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body, owned.
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let body = client.request(incidentio::Method::GET, "/v1/identity").send().await?.into_body();
    /// # Ok(()) }
    /// ```
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// Decodes the body into `T`; an empty body decodes as JSON `null`. A
    /// mismatch gives [`Error::Decode`] with the path and the body.
    ///
    /// ```no_run
    /// # async fn run(client: incidentio::Client) -> Result<(), incidentio::Error> {
    /// let response = client.request(incidentio::Method::GET, "/v1/identity").send().await?;
    /// let identity: serde_json::Value = response.json()?;
    /// # Ok(()) }
    /// ```
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        crate::body::decode(RAW_OPERATION, &self.body)
    }
}

/// `path` joined to `base`, refusing anything that could leave it: the
/// key must never travel to another host, or outside the base path.
fn resolve(base: &str, path: &str) -> Result<Url, Error> {
    let refuse = |why: &str| {
        Err(Error::InvalidArgument(format!(
            "the request path {path:?} {why}; give a path relative to the base URL, such as \"/v2/incidents\""
        )))
    };
    if !path.starts_with('/') {
        return refuse("does not start with `/`");
    }
    if path.starts_with("//") {
        return refuse("names a host (`//…`)");
    }
    if path.contains('\\') {
        return refuse("contains a backslash");
    }
    if path.contains('#') {
        return refuse("contains a fragment (`#`)");
    }
    if path.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return refuse("contains whitespace or control characters");
    }
    let route = path.split('?').next().unwrap_or_default();
    if route.split('/').any(is_dot_segment) {
        return refuse("contains a `.` or `..` segment");
    }
    let base_url = Url::parse(base)
        .map_err(|e| Error::InvalidArgument(format!("the base URL does not parse: {e}")))?;
    let joined = format!("{}{path}", base.trim_end_matches('/'));
    let url = Url::parse(&joined)
        .map_err(|e| Error::InvalidArgument(format!("the request path {path:?}: {e}")))?;
    let same_origin = url.scheme() == base_url.scheme()
        && url.host() == base_url.host()
        && url.port_or_known_default() == base_url.port_or_known_default()
        && url.username().is_empty()
        && url.password().is_none();
    if !same_origin
        || !url
            .path()
            .starts_with(base_url.path().trim_end_matches('/'))
    {
        return refuse("leaves the base URL");
    }
    Ok(url)
}

/// `.` or `..`, also percent-encoded (`%2e`, `%2E%2e`, …).
fn is_dot_segment(segment: &str) -> bool {
    let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

/// The spec's operation with this method and a path template matching
/// `path` (`{id}` matches one segment; a literal segment wins over a
/// parameter, as in the mock's routing), so that a raw request to a known
/// create gets the same idempotency-key retries as the generated method.
fn matching_operation(method: &Method, path: &str) -> Option<&'static crate::Operation> {
    let route = path.split('?').next().unwrap_or_default();
    crate::OPERATIONS
        .iter()
        .filter(|op| op.method.eq_ignore_ascii_case(method.as_str()))
        .map(|op| (Template::parse(op.path), op))
        .filter(|(template, _)| template.matches(route))
        .min_by_key(|(template, _)| template.priority())
        .map(|(_, op)| op)
}
