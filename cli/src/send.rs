//! Sending one request, through the library's raw-request API
//! (`Client::request`): the same auth, user agent, timeout, pacing,
//! retries, rate-limit capture, tracing and typed errors as the generated
//! operations. The only module that talks HTTP.

use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::CliError;

/// A request to send: an operation's, built and checked by the library
/// from arguments, or `incidentio api`'s, sent as written.
#[derive(Debug, Clone)]
pub enum Request {
    /// An operation of the catalog.
    Operation(incidentio::catalog::OperationRequest),
    /// `incidentio api METHOD PATH`.
    Raw {
        /// The method.
        method: incidentio::Method,
        /// The path, such as `/v2/incidents`.
        path: String,
        /// Query pairs, sent in this order.
        query: Vec<(String, String)>,
        /// The JSON body.
        body: Option<Value>,
    },
}

impl Request {
    /// The query pairs, to resolve references in (`INC-123`).
    pub fn query_mut(&mut self) -> &mut Vec<(String, String)> {
        match self {
            Request::Operation(request) => &mut request.query,
            Request::Raw { query, .. } => query,
        }
    }

    /// Whether it carries its own `Authorization` (an alert source's
    /// secret), so that no API key is needed.
    pub fn carries_own_authorization(&self) -> bool {
        matches!(self, Request::Operation(r) if r.carries_own_authorization())
    }
}

/// A successful response.
#[derive(Debug)]
pub struct Response {
    /// The body, as sent.
    pub body: bytes::Bytes,
}

impl Response {
    /// The body as JSON; an empty body (a `204`) is `null`.
    pub fn json(&self) -> Result<Value, CliError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| CliError::Decode(format!("the body is not JSON: {e}")))
    }
}

/// Where and how requests go (the client's `Debug` redacts the key).
#[derive(Debug)]
pub struct Sender {
    client: incidentio::Client,
    /// Whether the client holds a real API key; without one (a dry run,
    /// or a request carrying an alert source's own `Authorization`) only
    /// requests that replace the key are sent.
    has_key: bool,
}

impl Sender {
    /// A sender through `client`; `has_key` says whether its key is real.
    pub fn new(client: incidentio::Client, has_key: bool) -> Self {
        Sender { client, has_key }
    }

    /// Refuses, before anything is sent, a request that would carry the
    /// stand-in key.
    fn check_key(&self, request: &Request) -> Result<(), CliError> {
        if self.has_key || request.carries_own_authorization() {
            return Ok(());
        }
        Err(crate::connect::no_key_error())
    }

    fn raw(&self, request: &Request) -> Result<incidentio::RawRequest<'_>, CliError> {
        Ok(match request {
            Request::Operation(request) => request.to_raw(&self.client),
            Request::Raw {
                method,
                path,
                query,
                body,
            } => {
                let mut raw = self.client.request(method.clone(), path);
                for (name, value) in query {
                    raw = raw.query(name.as_str(), value.as_str());
                }
                if let Some(body) = body {
                    raw = raw.json(body);
                }
                raw
            }
        })
    }

    /// The library's client.
    pub fn client(&self) -> &incidentio::Client {
        &self.client
    }

    /// What the library would send for `request` (key masked).
    pub fn preview(&self, request: &Request) -> Result<incidentio::RequestPreview, CliError> {
        Ok(self.raw(request)?.preview()?)
    }

    /// The pages of a list `request`, walked by the library; `items` names
    /// the page's array (else its one array besides `pagination_meta`).
    /// Items stay as the API wrote them (no tree is built unless the output
    /// needs one); `prefetch` asks for the next page while one is printed.
    pub fn pages(
        &self,
        request: &Request,
        items: Option<String>,
        prefetch: bool,
    ) -> Result<incidentio::pagination::PageStream<'_, Box<RawValue>>, CliError> {
        self.check_key(request)?;
        Ok(self
            .raw(request)?
            .paginate_as(items)
            .prefetch(prefetch)
            .pages())
    }

    /// Sends `request`; a non-2xx status is an API error.
    pub async fn send(&self, request: &Request) -> Result<Response, CliError> {
        self.check_key(request)?;
        let response = self.raw(request)?.send().await?;
        Ok(Response {
            body: response.into_body(),
        })
    }
}
