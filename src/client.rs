//! Building a configured [`Client`](crate::Client).

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::Error;
use crate::api_key::ApiKey;
use crate::hooks::ClientState;
use crate::pacing::Pacing;
use crate::ratelimit::RateLimit;
use crate::retry::RetryPolicy;

/// The API's address.
pub const DEFAULT_BASE_URL: &str = "https://api.incident.io";

/// Default time allowed to open a connection (TCP and TLS): long enough for
/// a slow network, short enough that an unreachable host fails fast.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default time allowed for one attempt, from sending the request to the
/// last byte of the body. Large list pages take a few seconds; a minute
/// leaves room for that without letting a stalled connection hang a job
/// (each retry gets its own allowance).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The default `User-Agent`, so incident.io can tell this client's traffic
/// apart when helping with a support request.
const DEFAULT_USER_AGENT: &str = concat!("incidentio-rust/", env!("CARGO_PKG_VERSION"));

impl crate::Client {
    /// A client for `https://api.incident.io` authenticated with `api_key`,
    /// with the default timeouts, retries and pacing.
    ///
    /// ```no_run
    /// let client = incidentio::Client::new("my-api-key")?;
    /// # Ok::<(), incidentio::Error>(())
    /// ```
    pub fn new(api_key: impl Into<ApiKey>) -> Result<Self, Error> {
        Self::builder().api_key(api_key).build()
    }

    /// A client authenticated with the key in the `INCIDENT_IO_API_KEY`
    /// environment variable; fails with an error naming the variable when it
    /// is unset or empty.
    ///
    /// ```no_run
    /// let client = incidentio::Client::from_env()?;
    /// # Ok::<(), incidentio::Error>(())
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().api_key(ApiKey::from_env()?).build()
    }

    /// Starts configuring a client: base URL, user agent, timeouts, retry
    /// policy, pacing, or an existing `reqwest::Client`.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use incidentio::{Client, RetryPolicy};
    ///
    /// let client = Client::builder()
    ///     .api_key("my-api-key")
    ///     .app_name("on-call-report/1.0")
    ///     .timeout(Duration::from_secs(20))
    ///     .retry_policy(RetryPolicy::default().max_retries(5))
    ///     .build()?;
    /// # Ok::<(), incidentio::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The most recent rate-limit reading from any response to this client
    /// or its clones (`None` until a response carried one). Lets a bulk job
    /// see how much allowance is left without threading responses around.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.last_rate_limit()
    }
}

/// Configuration for a [`Client`](crate::Client); see
/// [`Client::builder`](crate::Client::builder).
///
/// Its `Debug` shows the configuration with the key redacted.
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    base_url: Option<String>,
    user_agent: Option<String>,
    app_name: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    pacing: Pacing,
    http: Option<reqwest::Client>,
    max_body_size: Option<usize>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("user_agent", &self.user_agent)
            .field("app_name", &self.app_name)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("pacing", &self.pacing)
            .field("custom_http_client", &self.http.is_some())
            .field("max_body_size", &self.max_body_size)
            .finish()
    }
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer …` (required).
    pub fn api_key(mut self, api_key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Reads the API key from `INCIDENT_IO_API_KEY`, failing with an error
    /// that names the variable when it is unset or empty.
    pub fn api_key_from_env(self) -> Result<Self, Error> {
        Ok(self.api_key(ApiKey::from_env()?))
    }

    /// The base URL (default `https://api.incident.io`). Must be `https://`,
    /// except for a loopback host (`localhost`, `127.0.0.1`, `[::1]`), so
    /// that a typo can never send the key across a network in clear text.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Replaces the whole `User-Agent` (default `incidentio-rust/<version>`).
    /// Prefer [`ClientBuilder::app_name`], which keeps the crate's token.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Names the calling application in the `User-Agent`, before the
    /// crate's own token: `my-app/1.2 incidentio-rust/0.1.0`. Helps
    /// incident.io (and your own proxy logs) tell your integrations apart.
    pub fn app_name(mut self, app_name: impl Into<String>) -> Self {
        self.app_name = Some(app_name.into());
        self
    }

    /// Time allowed to open a connection (default
    /// [`DEFAULT_CONNECT_TIMEOUT`]). Ignored with
    /// [`ClientBuilder::http_client`], whose own setting applies.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for each attempt, from sending to the end of the body
    /// (default [`DEFAULT_TIMEOUT`]). Retries each get the full allowance;
    /// the [`RetryPolicy`] budget bounds the total.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Which failures are retried and for how long (default
    /// [`RetryPolicy::default`]; [`RetryPolicy::disabled`] turns retries
    /// off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Client-side pacing under the API's rate limit (default on, burst 1200
    /// at 20 per second; [`Pacing::disabled`] turns it off).
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = pacing;
        self
    }

    /// The largest success body accepted, in bytes (default
    /// [`DEFAULT_MAX_BODY_SIZE`](crate::DEFAULT_MAX_BODY_SIZE), 64 MiB).
    /// A larger one fails with [`Error::BodyTooLarge`] as soon as it passes
    /// the limit (or at once, when its `Content-Length` says so): reading
    /// stops there, so a runaway response cannot exhaust memory. Error
    /// bodies are always read whole; they are small.
    ///
    /// ```no_run
    /// let client = incidentio::Client::builder()
    ///     .api_key("my-api-key")
    ///     .max_body_size(8 * 1024 * 1024)
    ///     .build()?;
    /// # Ok::<(), incidentio::Error>(())
    /// ```
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// Uses an existing `reqwest::Client` (for a proxy, custom TLS roots or
    /// a shared connection pool); start from [`http_client_builder`]. The key, user agent and per-attempt
    /// timeout are still set on every request; its connect timeout and TLS
    /// settings are its own.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client, checking the configuration: a missing or
    /// malformed key, a bad base URL, a zero timeout or invalid pacing are
    /// reported here, before any request is made.
    pub fn build(self) -> Result<crate::Client, Error> {
        let authorization = self
            .api_key
            .as_ref()
            .ok_or_else(|| {
                Error::InvalidArgument(
                    "no API key: call .api_key(…) on the builder or use Client::from_env() \
                     (reads INCIDENT_IO_API_KEY)"
                        .into(),
                )
            })?
            .header_value()?;
        let base_url = check_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let user_agent = match (&self.user_agent, &self.app_name) {
            (Some(ua), _) => ua.clone(),
            (None, Some(app)) => format!("{} {DEFAULT_USER_AGENT}", app.trim()),
            (None, None) => DEFAULT_USER_AGENT.to_owned(),
        };
        let user_agent = HeaderValue::try_from(user_agent).map_err(|_| {
            Error::InvalidArgument(
                "the user agent or app name contains characters not allowed in an HTTP header"
                    .into(),
            )
        })?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        if timeout.is_zero() || connect_timeout.is_zero() {
            return Err(Error::InvalidArgument(
                "timeouts must be longer than zero".into(),
            ));
        }
        let pacer = self.pacing.build()?;

        let http = match self.http {
            Some(http) => http,
            None => http_client_builder()?
                .connect_timeout(connect_timeout)
                .build()
                .map_err(|e| {
                    Error::InvalidArgument(format!(
                        "cannot build the HTTP client: {}",
                        crate::error::chain(&e)
                    ))
                })?,
        };
        let runtime = ClientState::new(
            authorization,
            user_agent,
            Some(timeout),
            self.retry,
            pacer,
            self.max_body_size
                .unwrap_or(crate::body::DEFAULT_MAX_BODY_SIZE),
        );
        Ok(crate::Client::new_with_client(&base_url, http, runtime))
    }
}

/// A `reqwest::ClientBuilder` with this crate's TLS set up (rustls over
/// `ring`, with post-quantum key exchange first under the default `rustls`
/// feature, and the platform's certificate verifier) and the default
/// connect timeout: the starting point for a client passed to
/// [`ClientBuilder::http_client`], for example to add a proxy. Under the
/// rustls features a plain `reqwest::Client::new()` would panic, because
/// reqwest is built without a default crypto provider.
///
/// ```no_run
/// let http = incidentio::http_client_builder()?
///     .pool_max_idle_per_host(4)
///     .build()
///     .expect("HTTP client");
/// let client = incidentio::Client::builder()
///     .api_key("my-api-key")
///     .http_client(http)
///     .build()?;
/// # Ok::<(), incidentio::Error>(())
/// ```
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    Ok(tls(reqwest::Client::builder())?.connect_timeout(DEFAULT_CONNECT_TIMEOUT))
}

/// Accepts `https://…`, or `http://` to a loopback host; returns the URL
/// without a trailing slash (the generated code appends `/v2/…`).
fn check_base_url(raw: &str) -> Result<String, Error> {
    let url = reqwest::Url::parse(raw.trim())
        .map_err(|e| Error::InvalidArgument(format!("the base URL is not a valid URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::InvalidArgument(
            "the base URL must not contain credentials; the API key is set with .api_key(…)".into(),
        ));
    }
    let host = url.host_str().unwrap_or_default();
    if host.is_empty() {
        return Err(Error::InvalidArgument("the base URL has no host".into()));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(Error::InvalidArgument(format!(
                "refusing base URL http://{host}: plain http would send the API key in clear \
                 text; use https:// (http:// is only allowed to a loopback host such as \
                 127.0.0.1 or localhost)"
            )));
        }
        other => {
            return Err(Error::InvalidArgument(format!(
                "the base URL must use https://, not {other}://"
            )));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::InvalidArgument(
            "the base URL must not have a query or fragment".into(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// TLS through rustls with the platform's verifier, set up once per
/// process and shared by every client built after. The verifier reads and
/// parses the system's root certificates (a few milliseconds, far more in
/// a debug build) at the process's first handshake, not here
/// ([`DeferredVerifier`](crate::deferred_verifier::DeferredVerifier)): a
/// client that never opens a TLS connection (the mock, a loopback server,
/// a command-line dry run) never pays for them, and one that does pays
/// once per process.
#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    static CONFIG: std::sync::OnceLock<Result<rustls::ClientConfig, String>> =
        std::sync::OnceLock::new();
    let config = CONFIG.get_or_init(|| {
        let provider = std::sync::Arc::new(crate::tls_provider::provider());
        let verifier = crate::deferred_verifier::DeferredVerifier::new(provider.clone());
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(std::sync::Arc::new(verifier))
            .with_no_client_auth())
    });
    match config {
        Ok(config) => Ok(builder.tls_backend_preconfigured(config.clone())),
        Err(message) => Err(Error::InvalidArgument(message.clone())),
    }
}

#[cfg(not(any(feature = "rustls", feature = "rustls-ring")))]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}
