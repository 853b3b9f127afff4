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

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, WWW_AUTHENTICATE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use subtle::ConstantTimeEq;

use super::server::Server;
use crate::error::CliError;

/// The environment variable a token may come from.
pub const TOKEN_ENV: &str = "INCIDENTIO_MCP_TOKEN";

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

fn plain(status: StatusCode, message: &'static str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from_static(message.as_bytes())).boxed());
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Serves `server` over Streamable HTTP on `addr` until the process is
/// stopped. A non-loopback `addr` needs `allow_remote` and a token.
pub async fn serve(
    server: Server,
    addr: SocketAddr,
    allow_remote: bool,
    allow_hosts: &[String],
    token: Option<Token>,
) -> Result<(), CliError> {
    if !addr.ip().is_loopback() {
        if !allow_remote {
            return Err(CliError::usage(format!(
                "--http {addr}: not a loopback address; the server would be reachable from other machines. Use 127.0.0.1:PORT, or add --http-allow-remote (with a token) if you mean it"
            )));
        }
        if token.is_none() {
            return Err(CliError::usage(format!(
                "--http {addr} --http-allow-remote: a remote bind needs a token (--http-token-file PATH or {TOKEN_ENV})"
            )));
        }
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::usage(format!("--http {addr}: cannot listen: {e}")))?;
    let bound = listener.local_addr()?;
    let (hosts, origins) = allowed(bound, allow_hosts);
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .enforce_origin_validation();
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    eprintln!(
        "incidentio mcp: serving MCP (Streamable HTTP) at http://{bound}{PATH}{}",
        if token.is_some() {
            " (bearer token required)"
        } else {
            ""
        }
    );
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A connection that failed before it was accepted (reset,
            // out of descriptors for a moment): keep serving the others.
            Err(e) => {
                tracing::warn!("mcp --http: accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = service.clone();
        let token = token.clone();
        tokio::spawn(async move {
            let handler = hyper::service::service_fn(move |mut request: Request<Incoming>| {
                let service = service.clone();
                let token = token.clone();
                async move {
                    if request.uri().path() != PATH {
                        return Ok::<_, Infallible>(plain(
                            StatusCode::NOT_FOUND,
                            "Not Found: MCP is served at /mcp\n",
                        ));
                    }
                    if let Some(token) = &token {
                        if !token.accepts(request.headers().get(AUTHORIZATION)) {
                            let mut response = plain(
                                StatusCode::UNAUTHORIZED,
                                "Unauthorized: send Authorization: Bearer <token>\n",
                            );
                            response.headers_mut().insert(
                                WWW_AUTHENTICATE,
                                HeaderValue::from_static("Bearer realm=\"incidentio mcp\""),
                            );
                            return Ok(response);
                        }
                        // rmcp hands the request's headers to the handler:
                        // the token goes no further.
                        request.headers_mut().remove(AUTHORIZATION);
                    }
                    let delete = request.method() == hyper::Method::DELETE;
                    let mut response = service.handle(request).await;
                    // rmcp answers a session's DELETE with 202; the
                    // official clients expect 200 or 204 (and log a
                    // failure otherwise): the session is closed, say so.
                    if delete && response.status() == StatusCode::ACCEPTED {
                        *response.status_mut() = StatusCode::NO_CONTENT;
                    }
                    Ok(response)
                }
            });
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), handler)
                .await
            {
                tracing::debug!("mcp --http: connection ended: {e}");
            }
        });
    }
}
