//! Sending one request, through the library's raw-request API
//! (`Client::request`): the same auth, user agent, timeout, pacing,
//! retries, rate-limit capture, tracing and typed errors as the generated
//! operations. The only module that talks HTTP.

use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::CliError;

/// A request, resolved: method, path (already filled in), query pairs in
/// order, and an optional JSON body.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, such as `/v2/incidents/01H…`.
    pub path: String,
    /// Query pairs, sent in this order.
    pub query: Vec<(String, String)>,
    /// The JSON body.
    pub body: Option<Value>,
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
}

impl Sender {
    /// A sender through `client`.
    pub fn new(client: incidentio::Client) -> Self {
        Sender { client }
    }

    fn raw(&self, request: &Request) -> Result<incidentio::RawRequest<'_>, CliError> {
        let method = incidentio::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| CliError::usage(format!("invalid HTTP method {}", request.method)))?;
        let mut raw = self.client.request(method, &request.path);
        for (name, value) in &request.query {
            raw = raw.query(name.as_str(), value.as_str());
        }
        if let Some(body) = &request.body {
            raw = raw.json(body);
        }
        Ok(raw)
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
        Ok(self
            .raw(request)?
            .paginate_as(items)
            .prefetch(prefetch)
            .pages())
    }

    /// Sends `request`; a non-2xx status is an API error.
    pub async fn send(&self, request: &Request) -> Result<Response, CliError> {
        let response = self.raw(request)?.send().await?;
        Ok(Response {
            body: response.into_body(),
        })
    }
}
