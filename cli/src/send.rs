//! Sending one request. The only module that talks HTTP.
//!
//! TEMPORARY: a plain `reqwest` call against the configured base URL until
//! the library's raw-request API (`Client::request`) lands; then this
//! module switches to it and keeps the same functions.

use std::time::Duration;

use serde_json::Value;

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
    pub body: Vec<u8>,
}

/// Where and how requests go. Its `Debug` never shows the key.
pub struct Sender {
    /// The library client (auth, retries and pacing once the raw API lands).
    #[allow(dead_code, reason = "TEMPORARY: used once the raw-request API lands")]
    pub client: incidentio::Client,
    base_url: String,
    key: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("base_url", &self.base_url)
            .field("key", &"****")
            .finish_non_exhaustive()
    }
}

impl Sender {
    /// A sender for `client`, which was built with `base_url` and `key`.
    pub fn new(
        client: incidentio::Client,
        base_url: String,
        key: String,
        timeout: Option<Duration>,
    ) -> Result<Self, CliError> {
        let mut builder = incidentio::http_client_builder()?;
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        let http = builder
            .build()
            .map_err(|e| CliError::usage(format!("cannot build the HTTP client: {e}")))?;
        Ok(Sender {
            client,
            base_url: base_url.trim_end_matches('/').to_owned(),
            key,
            http,
        })
    }

    /// The full URL the request would go to, with its query.
    pub fn url(&self, request: &Request) -> Result<String, CliError> {
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, request.path))
            .map_err(|e| CliError::usage(format!("invalid URL for {}: {e}", request.path)))?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        Ok(url.to_string())
    }

    /// Sends `request`; a non-2xx status is an API error.
    pub async fn send(&self, request: &Request) -> Result<Response, CliError> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| CliError::usage(format!("invalid HTTP method {}", request.method)))?;
        let url = self.url(request)?;
        let mut builder = self
            .http
            .request(method, url)
            .bearer_auth(&self.key)
            .header(
                "user-agent",
                concat!("incidentio-cli/", env!("CARGO_PKG_VERSION")),
            );
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        let response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport)?.to_vec();
        if !(200..300).contains(&status) {
            let envelope = serde_json::from_slice(&body).ok();
            return Err(CliError::TempApi { status, envelope });
        }
        Ok(Response { body })
    }
}

fn transport(e: reqwest::Error) -> CliError {
    if e.is_timeout() {
        CliError::TempTransport(format!("timed out: {}", e.without_url()))
    } else {
        CliError::TempTransport(e.without_url().to_string())
    }
}
