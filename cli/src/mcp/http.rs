//! `incidentio mcp --http ADDR`: the same server over MCP's Streamable
//! HTTP transport (rmcp's `StreamableHttpService`, served by hyper, which
//! the tree already has).
//!
//! Safety, in the order a request meets it:
//! - the listener binds to loopback unless `--http-allow-remote` is given
//!   (and a remote bind needs a token);
//! - with a token (`--http-token-file` or `INCIDENTIO_MCP_TOKEN`), a
//!   request without `Authorization: Bearer <token>` is answered 401; the
//!   comparison takes the same time whatever bytes differ, and the header
//!   is removed before rmcp sees the request;
//! - rmcp checks `Host` (loopback names, the bound address, or a name
//!   given with `--http-allow-host`) and `Origin` (the same, as origins)
//!   against DNS rebinding: 403 otherwise;
//! - only `/mcp` is served (404 elsewhere).
//!
//! The API key is the CLI's own (environment, `--api-key-file`, or
//! `--mock`): nothing an HTTP client sends can set it. Neither the key nor
//! the token is ever written anywhere.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;
use subtle::ConstantTimeEq;

use super::server::Server;
use super::sessions::{self, AtCapacity, Sessions};
use crate::error::CliError;

/// The environment variable a token may come from.
pub const TOKEN_ENV: &str = "INCIDENTIO_MCP_TOKEN";

/// The shortest token a remote bind accepts: 32 random hex characters
/// carry 128 bits, beyond guessing over a network.
const MIN_REMOTE_TOKEN_LEN: usize = 32;

/// The fewest different characters a remote bind's token may have, so
/// that `aaaa…` or `12341234…` is refused whatever its length.
const MIN_REMOTE_TOKEN_DISTINCT: usize = 10;

/// The path served.
pub const PATH: &str = "/mcp";

/// A bearer token; never printed (its `Debug` says so).
#[derive(Clone)]
pub struct Token(Arc<[u8]>);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<hidden>)")
    }
}

impl Token {
    /// The token from `file` (its first line, surrounding whitespace
    /// trimmed) or else from [`TOKEN_ENV`]; `None` when neither is set.
    /// Errors name the file or the variable, never the contents.
    pub fn from_sources(file: Option<&str>) -> Result<Option<Token>, CliError> {
        let (text, source) = match file {
            Some(path) => (
                std::fs::read_to_string(path).map_err(|e| {
                    CliError::usage(format!("--http-token-file {path}: cannot read it: {e}"))
                })?,
                format!("--http-token-file {path}"),
            ),
            None => match std::env::var(TOKEN_ENV) {
                Ok(text) => (text, TOKEN_ENV.to_owned()),
                Err(std::env::VarError::NotPresent) => return Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(CliError::usage(format!("{TOKEN_ENV}: not valid UTF-8")));
                }
            },
        };
        let token = text.lines().next().unwrap_or("").trim();
        if token.is_empty() {
            return Err(CliError::usage(format!("{source}: the token is empty")));
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(CliError::usage(format!(
                "{source}: the token must be printable ASCII without spaces (it goes in an HTTP header)"
            )));
        }
        Ok(Some(Token(token.as_bytes().into())))
    }

    /// Refuses a token too short, or of too few different characters, to
    /// resist guessing by anyone who can reach a remote bind; the error
    /// says how to make a good one, never what the token is.
    fn strong_enough_for_a_remote_bind(&self) -> Result<(), CliError> {
        let distinct: std::collections::BTreeSet<u8> = self.0.iter().copied().collect();
        if self.0.len() >= MIN_REMOTE_TOKEN_LEN && distinct.len() >= MIN_REMOTE_TOKEN_DISTINCT {
            return Ok(());
        }
        Err(CliError::usage(format!(
            "--http-allow-remote: the token is too weak for a server others can reach: it needs at least {MIN_REMOTE_TOKEN_LEN} characters, {MIN_REMOTE_TOKEN_DISTINCT} of them different; make one with `openssl rand -hex 32`"
        )))
    }

    /// Whether `header` is `Bearer <this token>`, in time independent of
    /// where the bytes differ (the length is not secret).
    fn accepts(&self, header: Option<&HeaderValue>) -> bool {
        let Some(value) = header.map(HeaderValue::as_bytes) else {
            return false;
        };
        let Some(scheme) = value.get(..7) else {
            return false;
        };
        if !scheme.eq_ignore_ascii_case(b"bearer ") {
            return false;
        }
        let given = value[7..].trim_ascii();
        bool::from(given.ct_eq(&self.0))
    }
}

/// Parses `--http`'s value: `IP:PORT`, `localhost:PORT` or a bare `PORT`
/// (on 127.0.0.1). Port 0 takes a free port, printed at start.
pub fn parse_addr(value: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = value.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let port = value
        .strip_prefix("localhost:")
        .unwrap_or(value)
        .parse::<u16>()
        .map_err(|_| {
            format!(
                "`{value}` is not an address: give IP:PORT (127.0.0.1:8080), localhost:PORT or PORT"
            )
        })?;
    Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))
}

/// Parses a `--http-allow-host` value: a host name or address, with a port
/// or not (`mcp.example.com`, `mcp.example.com:8443`, `10.0.0.5`), and
/// nothing else: no scheme, path, user or wildcard, which would widen the
/// check beyond the one name meant.
pub fn parse_host(value: &str) -> Result<String, String> {
    let refuse = |why: &str| {
        Err(format!(
            "`{value}` {why}: give a host name, optionally with a port (mcp.example.com, mcp.example.com:8443)"
        ))
    };
    if value.contains("://") {
        return refuse("has a scheme");
    }
    if value.contains(['/', '@', '*', '?', '#']) || value.chars().any(char::is_whitespace) {
        return refuse("is not a host name");
    }
    match value.parse::<hyper::http::uri::Authority>() {
        Ok(authority) if !authority.host().is_empty() => {
            Ok(authority.as_str().to_ascii_lowercase())
        }
        _ => refuse("is not a host name"),
    }
}

/// The Host names and Origins accepted: loopback ones, the bound address
/// (127.0.0.2, or a LAN address with `--http-allow-remote`) when it is
/// another, not unspecified (0.0.0.0 is no name a client uses), and the
/// names given with `--http-allow-host` (a name the server is reached by,
/// behind a proxy or in DNS): as a Host, and as an Origin on its port, or
/// on any port when none is given.
fn allowed(addr: SocketAddr, extra_hosts: &[String]) -> (Vec<String>, Vec<String>) {
    let mut hosts = vec!["localhost".to_owned(), "127.0.0.1".into(), "::1".into()];
    let mut origins: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
        .iter()
        .flat_map(|h| [format!("http://{h}:*"), format!("https://{h}:*")])
        .collect();
    let ip = addr.ip();
    if !ip.is_unspecified() && !hosts.contains(&ip.to_string()) {
        let host = match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        };
        hosts.push(ip.to_string());
        origins.push(format!("http://{host}:{}", addr.port()));
        origins.push(format!("https://{host}:{}", addr.port()));
    }
    for host in extra_hosts {
        hosts.push(host.clone());
        let has_port = host
            .parse::<hyper::http::uri::Authority>()
            .is_ok_and(|authority| authority.port_u16().is_some());
        let with_port = if has_port {
            host.clone()
        } else {
            format!("{host}:*")
        };
        origins.push(format!("http://{with_port}"));
        origins.push(format!("https://{with_port}"));
    }
    (hosts, origins)
}

type Body = BoxBody<Bytes, Infallible>;

/// How long calls in flight have to finish once SIGTERM or SIGINT is
/// received; past it they are cut, and the process exits all the same.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How long the connections then have to send what they hold and close.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// How `serve` listens, whom it lets in, and what state it keeps.
#[derive(Debug)]
pub struct Options {
    /// The address to bind.
    pub addr: SocketAddr,
    /// A non-loopback `addr` is allowed (with a token).
    pub allow_remote: bool,
    /// Host names accepted besides loopback ones and the bound address.
    pub allow_hosts: Vec<String>,
    /// The bearer token required, if any.
    pub token: Option<Token>,
    /// A session with nothing in flight for this long expires.
    pub session_timeout: Duration,
    /// The most sessions open at once.
    pub max_sessions: usize,
}

fn plain(status: StatusCode, message: &'static str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from_static(message.as_bytes())).boxed());
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The answer to an `initialize` that finds every session busy: 503, with
/// the reason as a JSON-RPC error (what an MCP client shows; the request's
/// id is rmcp's to read, so none is given) and when to try again.
fn at_capacity(reason: &AtCapacity) -> Response<Body> {
    let body = json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32000, "message": reason.to_string()},
    });
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())).boxed());
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Counts things still running (requests, connections) so that shutdown
/// can wait for them; each [`Counted`] guard is one.
#[derive(Clone, Debug)]
struct Counter(Arc<tokio::sync::watch::Sender<usize>>);

impl Counter {
    fn new() -> Self {
        Counter(Arc::new(tokio::sync::watch::channel(0).0))
    }

    fn enter(&self) -> Counted {
        self.0.send_modify(|n| *n += 1);
        Counted(self.clone())
    }

    fn get(&self) -> usize {
        *self.0.borrow()
    }

    /// Waits until nothing is counted, or `bound` has passed; the count
    /// left.
    async fn drained(&self, bound: Duration) -> usize {
        let mut watch = self.0.subscribe();
        let _ = tokio::time::timeout(bound, watch.wait_for(|n| *n == 0)).await;
        self.get()
    }
}

/// One thing counted by a [`Counter`], until dropped.
#[derive(Debug)]
struct Counted(Counter);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// Resolves on the first SIGTERM or SIGINT (Ctrl-C elsewhere than Unix),
/// with the signal's name. The handlers are installed before this
/// returns, so a signal that comes before the future is polled counts.
fn stop_signal() -> std::io::Result<impl Future<Output = &'static str>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        })
    }
}

/// What every connection's requests share.
struct Shared {
    service: StreamableHttpService<Server, Sessions>,
    token: Option<Token>,
    /// POST requests whose response is not yet sent: the calls that
    /// shutdown lets finish.
    requests: Counter,
}

async fn handle(shared: Arc<Shared>, mut request: Request<Incoming>) -> Response<Body> {
    if request.uri().path() != PATH {
        return plain(StatusCode::NOT_FOUND, "Not Found: MCP is served at /mcp\n");
    }
    if let Some(token) = &shared.token {
        if !token.accepts(request.headers().get(AUTHORIZATION)) {
            let mut response = plain(
                StatusCode::UNAUTHORIZED,
                "Unauthorized: send Authorization: Bearer <token>\n",
            );
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"incidentio mcp\""),
            );
            return response;
        }
        // rmcp hands the request's headers to the handler: the token goes
        // no further.
        request.headers_mut().remove(AUTHORIZATION);
    }
    let method = request.method().clone();
    // A POST is a message (a call, most often): counted until its
    // response is sent, so that shutdown lets it finish. A GET is a
    // stream the client listens on for as long as it likes: not counted.
    let counted = (method == Method::POST).then(|| shared.requests.enter());
    let (mut response, refused) = sessions::noting_refusal(shared.service.handle(request)).await;
    if let Some(refused) = refused {
        // rmcp would answer 500 for the session it could not create.
        return at_capacity(&refused);
    }
    // rmcp answers a session's DELETE with 202; the official clients
    // expect 200 or 204 (and log a failure otherwise): the session is
    // closed, say so.
    if method == Method::DELETE && response.status() == StatusCode::ACCEPTED {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    match counted {
        // The count ends when hyper is done with the body: sent, or
        // dropped with the connection.
        Some(counted) => response.map(|body| {
            body.map_frame(move |frame| {
                let _ = &counted;
                frame
            })
            .boxed()
        }),
        None => response,
    }
}

/// Serves `server` over Streamable HTTP until SIGTERM or SIGINT, then
/// stops: no new connection is accepted, the requests in flight have
/// [`SHUTDOWN_GRACE`] to finish, and the streams left are ended. A
/// non-loopback address needs `allow_remote` and a token.
pub async fn serve(server: Server, options: Options) -> Result<(), CliError> {
    let Options {
        addr,
        allow_remote,
        allow_hosts,
        token,
        session_timeout,
        max_sessions,
    } = options;
    if !addr.ip().is_loopback() {
        if !allow_remote {
            return Err(CliError::usage(format!(
                "--http {addr}: not a loopback address; the server would be reachable from other machines. Use 127.0.0.1:PORT, or add --http-allow-remote (with a token) if you mean it"
            )));
        }
        let Some(token) = &token else {
            return Err(CliError::usage(format!(
                "--http {addr} --http-allow-remote: a remote bind needs a token (--http-token-file PATH or {TOKEN_ENV})"
            )));
        };
        token.strong_enough_for_a_remote_bind()?;
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::usage(format!("--http {addr}: cannot listen: {e}")))?;
    let bound = listener.local_addr()?;
    let (hosts, origins) = allowed(bound, &allow_hosts);
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .enforce_origin_validation()
        // A client of the stateless revision gets its answer as one JSON
        // body instead of an event stream: no stream, no keep-alive timer.
        .with_json_response(true);
    // Cancelled at shutdown: ends every session and every stream left.
    let cancel = config.cancellation_token.clone();
    let sessions = Arc::new(Sessions::new(session_timeout, max_sessions));
    let shared = Arc::new(Shared {
        service: StreamableHttpService::new(move || Ok(server.clone()), sessions.clone(), config),
        token,
        requests: Counter::new(),
    });
    let sweeper = tokio::spawn({
        let sessions = sessions.clone();
        async move {
            let mut tick = tokio::time::interval(sessions.sweep_period());
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                sessions.sweep().await;
            }
        }
    });
    let stop = stop_signal()?;
    tokio::pin!(stop);
    let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
    let connections = Counter::new();
    eprintln!(
        "incidentio mcp: serving MCP (Streamable HTTP) at http://{bound}{PATH}{}",
        if shared.token.is_some() {
            " (bearer token required)"
        } else {
            ""
        }
    );
    let signal = loop {
        let stream = tokio::select! {
            signal = &mut stop => break signal,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A connection that failed before it was accepted (reset,
                // out of descriptors for a moment): keep serving the others.
                Err(e) => {
                    tracing::warn!("mcp --http: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // An answer is written as several small writes (an event stream's
        // events): with Nagle's algorithm on, each waits for the client's
        // delayed ACK of the one before.
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let mut stopping = stopping_rx.clone();
        let open = connections.enter();
        tokio::spawn(async move {
            let _open = open;
            let handler = hyper::service::service_fn(move |request| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(handle(shared, request).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), handler);
            tokio::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                () = async { drop(stopping.wait_for(|stopping| *stopping).await) } => {
                    // Finishes the request under way, if any, then closes.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = ended {
                tracing::debug!("mcp --http: connection ended: {e}");
            }
        });
    };
    // New connections are refused from here on; requests under way
    // finish, and their connections close after them.
    drop(listener);
    let _ = stopping.send(true);
    let busy = shared.requests.get();
    eprintln!(
        "incidentio mcp: {signal}: stopping; {busy} request(s) in flight, allowed {} s to finish",
        SHUTDOWN_GRACE.as_secs()
    );
    let left = shared.requests.drained(SHUTDOWN_GRACE).await;
    if left > 0 {
        eprintln!("incidentio mcp: {left} request(s) still in flight: cut");
    }
    // Ends the event streams clients listen on (GET), and the sessions.
    cancel.cancel();
    sweeper.abort();
    connections.drained(CLOSE_GRACE).await;
    eprintln!("incidentio mcp: stopped");
    Ok(())
}
