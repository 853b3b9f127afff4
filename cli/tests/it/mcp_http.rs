//! `incidentio mcp --http`: Streamable HTTP on 127.0.0.1 (a free port the
//! server takes itself, read off its stderr), spoken to with raw HTTP/1.1
//! over `std::net::TcpStream`: the bearer token (401 without it, with a
//! wrong one, with a prefix of it), `Host` and `Origin` against DNS
//! rebinding (403), loopback only unless asked, and the API key: the
//! CLI's own, never the HTTP client's, never printed. The official Python
//! SDK drives the same server in `.ci/mcp-client`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStderr, Stdio};
use std::time::Duration;

use httpmock::MockServer;
use serde_json::{Value, json};

use crate::common::{SECRET, run_with};

/// The bearer token the servers here require.
const TOKEN: &str = "mcp-token-7b1e0c9d2f";

/// A server on 127.0.0.1 and the address it took.
struct HttpServer {
    child: Child,
    addr: SocketAddr,
    /// The rest of stderr, read when the server is stopped.
    stderr: Option<BufReader<ChildStderr>>,
}

impl HttpServer {
    /// `incidentio <global…> mcp --http 127.0.0.1:0 <mcp…>`, the token in
    /// INCIDENTIO_MCP_TOKEN when given, the API key in INCIDENT_IO_API_KEY
    /// when given.
    fn start(global: &[&str], mcp: &[&str], token: Option<&str>, key: Option<&str>) -> Self {
        let mut cmd = crate::common::incidentio(global, key);
        cmd.args(["mcp", "--http", "127.0.0.1:0"])
            .args(mcp)
            .env_remove("INCIDENTIO_MCP_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(token) = token {
            cmd.env("INCIDENTIO_MCP_TOKEN", token);
        }
        let mut child = cmd.spawn().expect("the binary runs");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        stderr.read_line(&mut line).expect("stderr");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split("/mcp").next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address on stderr: {line:?}"));
        assert!(!line.contains(TOKEN) && !line.contains(SECRET), "{line}");
        HttpServer {
            child,
            addr,
            stderr: Some(stderr),
        }
    }

    /// Stops the server and returns what else it wrote on stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut rest = String::new();
        if let Some(mut stderr) = self.stderr.take() {
            let _ = stderr.read_to_string(&mut rest);
        }
        rest
    }

    /// A POST to /mcp with a JSON-RPC `message` and these headers (a
    /// `Host` of 127.0.0.1:PORT unless one is given).
    fn post(&self, headers: &[(&str, &str)], message: &Value) -> Reply {
        self.request("POST", "/mcp", headers, &message.to_string())
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let mut head = format!("{method} {path} HTTP/1.1\r\n");
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: {}\r\n", self.addr));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        stream.write_all(head.as_bytes()).expect("write");
        stream.write_all(body.as_bytes()).expect("write");
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .expect("the server answers and closes");
        Reply::parse(&raw)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("no HTTP head: {text:?}"));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status: {head}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let chunked = headers
            .iter()
            .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked {
            dechunk(body)
        } else {
            body.to_owned()
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The JSON-RPC messages of the body: one JSON body, or the `data:`
    /// lines of an event stream.
    fn messages(&self) -> Vec<Value> {
        if let Ok(value) = serde_json::from_str::<Value>(&self.body) {
            return vec![value];
        }
        self.body
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str(d.trim()).ok())
            .collect()
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

fn initialize() -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "incidentio-tests", "version": "0"},
        },
    })
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Asserts that `reply` is an initialize answer from this server.
fn assert_initialized(reply: &Reply) {
    assert_eq!(reply.status, 200, "{reply:?}");
    let messages = reply.messages();
    assert!(
        messages
            .iter()
            .any(|m| m["result"]["serverInfo"]["name"] == "incidentio"),
        "{reply:?}"
    );
}

#[test]
fn the_token_is_required_and_must_match() {
    let server = HttpServer::start(&["--mock"], &[], Some(TOKEN), None);
    let shorter = bearer(&TOKEN[..TOKEN.len() - 1]);
    let longer = bearer(&format!("{TOKEN}x"));
    let right = bearer(TOKEN);
    let lower = format!("bearer {TOKEN}");
    let basic = format!("Basic {TOKEN}");
    for headers in [
        vec![],
        vec![("Authorization", "Bearer wrong")],
        vec![("Authorization", shorter.as_str())],
        vec![("Authorization", longer.as_str())],
        vec![("Authorization", basic.as_str())],
        vec![("Authorization", "Bearer")],
        vec![("Authorization", TOKEN)],
    ] {
        let reply = server.post(&headers, &initialize());
        assert_eq!(reply.status, 401, "{headers:?}: {reply:?}");
        assert!(
            reply
                .header("www-authenticate")
                .is_some_and(|v| v.starts_with("Bearer")),
            "{reply:?}"
        );
        assert!(!reply.body.contains(TOKEN), "{reply:?}");
    }
    assert_initialized(&server.post(&[("Authorization", right.as_str())], &initialize()));
    // The scheme is case-insensitive (RFC 9110).
    assert_initialized(&server.post(&[("Authorization", lower.as_str())], &initialize()));
    let stderr = server.stop();
    assert!(!stderr.contains(TOKEN), "{stderr}");
}

#[test]
fn host_and_origin_must_be_loopback_or_the_bound_address() {
    let server = HttpServer::start(&["--mock"], &[], Some(TOKEN), None);
    let auth = bearer(TOKEN);
    let port = server.addr.port();
    let host = |h: &str| format!("{h}:{port}");
    let (evil_host, localhost, v6) = (host("evil.example"), host("localhost"), host("[::1]"));
    let own = format!("http://127.0.0.1:{port}");
    for (header, value, status) in [
        ("Host", evil_host.as_str(), 403),
        ("Host", "attacker.test", 403),
        ("Host", localhost.as_str(), 200),
        ("Host", v6.as_str(), 200),
        ("Origin", "http://evil.example", 403),
        ("Origin", "https://evil.example:8443", 403),
        ("Origin", "null", 403),
        ("Origin", "http://127.0.0.1.evil.example", 403),
        ("Origin", own.as_str(), 200),
        ("Origin", "http://localhost:5173", 200),
        ("Origin", "https://[::1]:3000", 200),
    ] {
        let reply = server.post(
            &[("Authorization", auth.as_str()), (header, value)],
            &initialize(),
        );
        assert_eq!(reply.status, status, "{header}: {value}: {reply:?}");
        if status == 200 {
            assert_initialized(&reply);
        }
    }
}

#[test]
fn a_name_given_with_allow_host_is_accepted_and_no_other() {
    let server = HttpServer::start(
        &["--mock"],
        &[
            "--http-allow-host",
            "MCP.example.test",
            "--http-allow-host",
            "proxy.example.test:8443",
        ],
        None,
        None,
    );
    for (header, value, status) in [
        ("Host", "mcp.example.test", 200),
        ("Host", "mcp.example.test:443", 200),
        ("Host", "proxy.example.test:8443", 200),
        ("Host", "proxy.example.test:9000", 403),
        ("Host", "other.example.test", 403),
        ("Host", "mcp.example.test.evil.example", 403),
        ("Origin", "https://mcp.example.test", 200),
        ("Origin", "https://proxy.example.test:8443", 200),
        ("Origin", "https://proxy.example.test", 403),
        ("Origin", "https://evil.example", 403),
    ] {
        let reply = server.post(&[(header, value)], &initialize());
        assert_eq!(reply.status, status, "{header}: {value}: {reply:?}");
        if status == 200 {
            assert_initialized(&reply);
        }
    }
    // Loopback names still work beside the added ones.
    assert_initialized(&server.post(&[], &initialize()));
}

#[test]
fn an_allow_host_that_is_not_a_host_name_is_refused_by_name() {
    for bad in [
        "https://mcp.example.test",
        "mcp.example.test/mcp",
        "*.example.test",
        "user@mcp.example.test",
        "",
    ] {
        let out = run_with(
            &[
                "--mock",
                "mcp",
                "--http",
                "127.0.0.1:0",
                "--http-allow-host",
                bad,
            ],
            None,
            None,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {stderr}");
        assert!(stderr.contains("host name"), "{bad:?}: {stderr}");
    }
}

#[test]
fn without_a_token_loopback_serves_and_only_mcp_is_served() {
    let server = HttpServer::start(&["--mock"], &[], None, None);
    assert_initialized(&server.post(&[], &initialize()));
    let reply = server.request("POST", "/", &[], &initialize().to_string());
    assert_eq!(reply.status, 404, "{reply:?}");
    let reply = server.post(&[("Origin", "http://evil.example")], &initialize());
    assert_eq!(reply.status, 403, "{reply:?}");
}

#[test]
fn a_non_loopback_address_is_refused_unless_asked_and_then_needs_a_token() {
    for (args, token, says) in [
        (
            &["mcp", "--http", "0.0.0.0:0"][..],
            None,
            "--http-allow-remote",
        ),
        (&["mcp", "--http", "[::]:0"][..], Some(TOKEN), "loopback"),
        (
            &["mcp", "--http", "0.0.0.0:0", "--http-allow-remote"][..],
            None,
            "needs a token",
        ),
        (
            &[
                "mcp",
                "--http",
                "127.0.0.1:0",
                "--http-token-file",
                "/nonexistent/token",
            ][..],
            None,
            "/nonexistent/token",
        ),
        (&["mcp", "--http", "not-an-address"][..], None, "IP:PORT"),
        (&["mcp", "--http-allow-remote"][..], None, "--http <ADDR>"),
        // A token anyone could guess, however long.
        (
            &["mcp", "--http", "0.0.0.0:0", "--http-allow-remote"][..],
            Some("short"),
            "openssl rand",
        ),
        (
            &["mcp", "--http", "0.0.0.0:0", "--http-allow-remote"][..],
            Some("abababababababababababababababababababab"),
            "too weak",
        ),
    ] {
        let mut cmd = crate::common::incidentio(&["--mock"], None);
        cmd.args(args)
            .env_remove("INCIDENTIO_MCP_TOKEN")
            .stdin(Stdio::null());
        if let Some(token) = token {
            cmd.env("INCIDENTIO_MCP_TOKEN", token);
        }
        let out = cmd.output().expect("the binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!stderr.contains(TOKEN), "{stderr}");
    }

    // An empty token file is refused, naming the file, not served open.
    let dir = std::env::temp_dir().join(format!("incidentio-mcp-http-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let empty = dir.join("empty");
    std::fs::write(&empty, "\n").expect("write");
    let out = run_with(
        &[
            "--mock",
            "mcp",
            "--http",
            "127.0.0.1:0",
            "--http-token-file",
            empty.to_str().expect("utf-8 path"),
        ],
        None,
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("empty"), "{stderr}");

    // A token file is read (its first line, trimmed) and never printed.
    let file = dir.join("token");
    std::fs::write(&file, format!("  {TOKEN}  \nignored\n")).expect("write");
    let mut cmd = crate::common::incidentio(&["--mock"], None);
    let mut child = cmd
        .args(["mcp", "--http", "127.0.0.1:0", "--http-token-file"])
        .arg(&file)
        .env_remove("INCIDENTIO_MCP_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("stderr");
    let addr: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split("/mcp").next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    let server = HttpServer {
        child,
        addr,
        stderr: Some(stderr),
    };
    assert_eq!(server.post(&[], &initialize()).status, 401);
    assert_initialized(&server.post(&[("Authorization", &bearer(TOKEN))], &initialize()));
    assert!(!server.stop().contains(TOKEN));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_api_key_is_the_clis_own_and_never_shown() {
    let api = MockServer::start();
    let with_key = api.mock(|when, then| {
        when.method(httpmock::Method::GET)
            .path("/v2/incidents")
            .header("authorization", format!("Bearer {SECRET}"));
        then.status(200).json_body(no_incidents());
    });
    let server = HttpServer::start(
        &["--base-url", &api.base_url()],
        &[],
        Some(TOKEN),
        Some(SECRET),
    );
    let auth = bearer(TOKEN);
    let init = server.post(&[("Authorization", auth.as_str())], &initialize());
    assert_initialized(&init);
    let session = init
        .header("mcp-session-id")
        .unwrap_or_else(|| panic!("a session: {init:?}"))
        .to_owned();
    let headers = [
        ("Authorization", auth.as_str()),
        ("Mcp-Session-Id", session.as_str()),
        ("MCP-Protocol-Version", "2025-06-18"),
        // Whatever a client sends as a key is not used.
        ("X-Api-Key", "sk_from_the_http_client"),
    ];
    let notified = server.post(
        &headers,
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    );
    assert_eq!(notified.status, 202, "{notified:?}");
    let call = server.post(
        &headers,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                "params": {"name": "call_operation",
                           "arguments": {"operation": "incidents_v2_list", "arguments": {"limit": 1}}}}),
    );
    assert_eq!(call.status, 200, "{call:?}");
    let result = call
        .messages()
        .into_iter()
        .find(|m| m["id"] == 2)
        .unwrap_or_else(|| panic!("{call:?}"));
    assert_eq!(result["result"]["isError"], false, "{result}");
    with_key.assert_calls(1);
    assert!(!call.body.contains(SECRET), "{call:?}");
    let stderr = server.stop();
    assert!(
        !stderr.contains(SECRET) && !stderr.contains(TOKEN),
        "{stderr}"
    );
}

impl HttpServer {
    /// `initialize` and `notifications/initialized`: the new session's id.
    fn open_session(&self) -> String {
        let init = self.post(&[], &initialize());
        assert_initialized(&init);
        let session = init
            .header("mcp-session-id")
            .unwrap_or_else(|| panic!("a session: {init:?}"))
            .to_owned();
        let notified = self.post(
            &session_headers(&session),
            &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        );
        assert_eq!(notified.status, 202, "{notified:?}");
        session
    }

    /// `incidents_v2_list` (one item) through `call_operation` on `session`.
    fn list_incidents(&self, session: &str, id: u64) -> Reply {
        self.post(
            &session_headers(session),
            &json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                    "params": {"name": "call_operation",
                               "arguments": {"operation": "incidents_v2_list", "arguments": {"limit": 1}}}}),
        )
    }
}

fn session_headers(session: &str) -> [(&str, &str); 2] {
    [
        ("Mcp-Session-Id", session),
        ("MCP-Protocol-Version", "2025-06-18"),
    ]
}

/// Asserts that `reply` answers call `id` with a result that is no error.
fn assert_called(reply: &Reply, id: u64) {
    assert_eq!(reply.status, 200, "{reply:?}");
    let result = reply
        .messages()
        .into_iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no answer to {id}: {reply:?}"));
    assert_eq!(result["result"]["isError"], false, "{result}");
}

/// An API on 127.0.0.1 whose `GET /v2/incidents` answers after `delay`.
/// The delays below are the shortest each test's timing allows with a
/// margin (the session timeout is 1 s, expiry is swept every 250 ms): these
/// tests wait rather than work, and four of them at once held every test
/// thread of this binary.
fn slow_api(delay: Duration) -> (MockServer, usize) {
    let api = MockServer::start();
    let id = answer_incidents(&api, delay);
    (api, id)
}

/// An empty page of `GET /v2/incidents`.
fn no_incidents() -> Value {
    json!({"incidents": [], "pagination_meta": {"page_size": 25}})
}

/// Makes `api` answer `GET /v2/incidents` with an empty page after
/// `delay`: the mock's id.
fn answer_incidents(api: &MockServer, delay: Duration) -> usize {
    api.mock(|when, then| {
        when.method(httpmock::Method::GET).path("/v2/incidents");
        then.status(200).delay(delay).json_body(no_incidents());
    })
    .id
}

/// Waits (a generous bound) until `api` has received `n` requests.
fn wait_for_requests(api: &MockServer, mock_id: usize, n: usize) {
    let mock = httpmock::Mock::new(mock_id, api);
    for _ in 0..400 {
        if mock.calls() >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the API never received {n} request(s)");
}

#[test]
fn an_abandoned_session_expires_its_id_gets_404_and_a_new_session_works() {
    let server = HttpServer::start(&["--mock"], &["--http-session-timeout", "1"], None, None);
    let session = server.open_session();
    assert_called(&server.list_incidents(&session, 2), 2);
    // Abandoned: no DELETE, nothing sent for longer than the timeout (an
    // expired session is closed when it is next used, whatever the sweep).
    std::thread::sleep(Duration::from_millis(1500));
    let reply = server.list_incidents(&session, 3);
    assert_eq!(reply.status, 404, "{reply:?}");
    let reply = server.request("GET", "/mcp", &session_headers(&session), "");
    assert_eq!(reply.status, 404, "{reply:?}");
    let fresh = server.open_session();
    assert_ne!(fresh, session);
    assert_called(&server.list_incidents(&fresh, 4), 4);
}

#[test]
fn a_call_longer_than_the_session_timeout_is_not_cut() {
    // Twice the timeout: several sweeps run while the call is in flight.
    let (api, mock) = slow_api(Duration::from_secs(2));
    let server = HttpServer::start(
        &["--base-url", &api.base_url()],
        &["--http-session-timeout", "1"],
        None,
        Some(SECRET),
    );
    let session = server.open_session();
    // The call takes longer than the timeout, with nothing else sent.
    assert_called(&server.list_incidents(&session, 2), 2);
    assert_eq!(httpmock::Mock::new(mock, &api).calls(), 1);
}

#[test]
fn past_the_session_cap_the_session_idle_longest_goes() {
    let server = HttpServer::start(&["--mock"], &["--http-max-sessions", "2"], None, None);
    let first = server.open_session();
    let second = server.open_session();
    // The first is used again, so the second is now the one idle longest.
    assert_called(&server.list_incidents(&first, 2), 2);
    let third = server.open_session();
    let reply = server.list_incidents(&second, 3);
    assert_eq!(reply.status, 404, "{reply:?}");
    assert_called(&server.list_incidents(&first, 4), 4);
    assert_called(&server.list_incidents(&third, 5), 5);
    // An initialize refused for its Origin (DNS rebinding) takes no
    // session's place.
    let evil = server.post(&[("Origin", "http://evil.example")], &initialize());
    assert_eq!(evil.status, 403, "{evil:?}");
    assert_called(&server.list_incidents(&first, 6), 6);
    assert_called(&server.list_incidents(&third, 7), 7);
}

#[test]
fn when_every_session_has_a_call_in_flight_a_new_one_is_refused_with_503() {
    let (api, mock) = slow_api(Duration::from_secs(2));
    let server = HttpServer::start(
        &["--base-url", &api.base_url()],
        &["--http-max-sessions", "1"],
        None,
        Some(SECRET),
    );
    let busy = server.open_session();
    let reply = std::thread::scope(|scope| {
        let call = scope.spawn(|| server.list_incidents(&busy, 2));
        wait_for_requests(&api, mock, 1);
        let refused = server.post(&[], &initialize());
        assert_called(&call.join().expect("the call"), 2);
        refused
    });
    assert_eq!(reply.status, 503, "{reply:?}");
    assert!(reply.header("retry-after").is_some(), "{reply:?}");
    let error = &reply.messages()[0]["error"];
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("--http-max-sessions") && message.contains("in flight"),
        "{reply:?}"
    );
    // Once the call is done, the busy session is idle: a new one takes
    // its place. The API answers at once from here on.
    httpmock::Mock::new(mock, &api).delete();
    answer_incidents(&api, Duration::ZERO);
    let fresh = server.open_session();
    assert_eq!(server.list_incidents(&busy, 3).status, 404);
    assert_called(&server.list_incidents(&fresh, 4), 4);
}

/// Sends `signal` (`TERM`, `INT`) to the server's process.
#[cfg(unix)]
fn send_signal(server: &HttpServer, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([format!("-{signal}"), server.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits (a generous bound) for the server to exit: its exit code.
#[cfg(unix)]
fn wait_exit(server: &mut HttpServer) -> Option<i32> {
    for _ in 0..600 {
        if let Some(status) = server.child.try_wait().expect("wait") {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the server did not exit");
}

#[cfg(unix)]
#[test]
fn sigterm_lets_a_call_in_flight_finish_refuses_new_connections_and_exits_0() {
    let (api, mock) = slow_api(Duration::from_secs(3));
    let mut server = HttpServer::start(&["--base-url", &api.base_url()], &[], None, Some(SECRET));
    let session = server.open_session();
    let reply = std::thread::scope(|scope| {
        let call = scope.spawn(|| server.list_incidents(&session, 2));
        wait_for_requests(&api, mock, 1);
        send_signal(&server, "TERM");
        // New connections are refused soon after the signal, while the
        // call goes on.
        let refused = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(50));
            TcpStream::connect(server.addr).is_err()
        });
        assert!(refused, "still accepting connections");
        call.join().expect("the call")
    });
    assert_called(&reply, 2);
    assert_eq!(wait_exit(&mut server), Some(0));
    let stderr = server.stop();
    assert!(stderr.contains("SIGTERM"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn sigint_stops_an_idle_server_with_exit_0() {
    let mut server = HttpServer::start(&["--mock"], &[], None, None);
    // An open session and an event stream a client listens on do not
    // hold the server up.
    let session = server.open_session();
    let mut listening = TcpStream::connect(server.addr).expect("connect");
    write!(
        listening,
        "GET /mcp HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\nMcp-Session-Id: {session}\r\nMCP-Protocol-Version: 2025-06-18\r\n\r\n",
        server.addr
    )
    .expect("write");
    let mut head = [0u8; 12];
    listening.read_exact(&mut head).expect("the stream opens");
    assert_eq!(&head, b"HTTP/1.1 200");
    send_signal(&server, "INT");
    assert_eq!(wait_exit(&mut server), Some(0));
}
