//! A loopback HTTP/1.1 server that writes raw bytes, for what a well-behaved
//! server (httpmock) cannot do: reset a connection mid-body, stall, lie
//! about lengths, send an undecodable encoding, answer thousands of
//! concurrent requests with scripted failures.
//!
//! Use with `use crate::common::raw_http;` (the separate
//! `tests/security_secrets_never_formatted.rs` binary includes this file by
//! `#[path]`).

#![allow(
    dead_code,
    reason = "the security test binary includes this file and uses part of it"
)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name`.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// What the server does with a request.
pub enum Reply {
    /// A complete response (`Content-Length` added unless `headers` has
    /// one); the connection stays open for the next request.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Exactly `bytes`, then `then`.
    Raw { bytes: Vec<u8>, then: After },
}

/// What happens to the connection after a [`Reply::Raw`].
pub enum After {
    /// A clean close (FIN).
    Close,
    /// An abortive close (RST): `SO_LINGER` 0, then drop.
    Reset,
    /// Nothing is sent for this long, then the connection closes.
    Stall(Duration),
}

/// A JSON response.
pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
    Reply::Full {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into(),
    }
}

/// A response with extra headers.
pub fn with_headers(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Reply {
    Reply::Full {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.into(),
    }
}

/// A running server; stops when dropped.
pub struct RawServer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RawServer {
    /// Listens on `ip` (a loopback address) on a free port; each request is
    /// answered by `handler`.
    pub async fn start(
        ip: &str,
        handler: impl Fn(Received) -> Reply + Send + Sync + 'static,
    ) -> RawServer {
        let listener = TcpListener::bind((ip, 0)).await.expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback(), "tests only talk to loopback");
        let handler = Arc::new(handler);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let handler = Arc::clone(&handler);
                tokio::spawn(async move {
                    let _ = serve_connection(stream, &*handler).await;
                });
            }
        });
        RawServer { addr, task }
    }

    /// `http://ip:port`, for `ClientBuilder::base_url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn serve_connection(
    mut stream: TcpStream,
    handler: &(dyn Fn(Received) -> Reply + Send + Sync),
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await? else {
            return Ok(());
        };
        match handler(request) {
            Reply::Full {
                status,
                headers,
                body,
            } => {
                let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
                let has_length = headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
                for (name, value) in &headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                if !has_length {
                    head.push_str(&format!("content-length: {}\r\n", body.len()));
                }
                head.push_str("\r\n");
                // One write: a head and a body in two small segments meet
                // Nagle and delayed ACK, and every response takes 40 ms.
                let mut bytes = head.into_bytes();
                bytes.extend_from_slice(&body);
                stream.write_all(&bytes).await?;
                stream.flush().await?;
            }
            Reply::Raw { bytes, then } => {
                stream.write_all(&bytes).await?;
                stream.flush().await?;
                match then {
                    After::Close => {
                        let _ = stream.shutdown().await;
                    }
                    After::Reset => {
                        // SO_LINGER 0 makes the close abortive (RST) and
                        // does not block: there is nothing left to flush.
                        #[allow(deprecated, reason = "linger 0 never blocks on drop")]
                        let _ = stream.set_linger(Some(Duration::ZERO));
                    }
                    After::Stall(duration) => tokio::time::sleep(duration).await,
                }
                return Ok(());
            }
        }
    }
}

/// Reads one request (headers and a `Content-Length` body); `None` when the
/// client closed the connection.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> std::io::Result<Option<Received>> {
    let header_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    while buffer.len() < header_end + length {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[header_end..header_end + length].to_vec();
    buffer.drain(..header_end + length);
    Ok(Some(Received {
        method,
        target,
        headers,
        body,
    }))
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown")
}
