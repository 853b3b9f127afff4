//! The download path of `refresh-spec`, against a server on 127.0.0.1 run
//! in a thread (nothing leaves the machine): an error status, a 200 whose
//! body is an HTML page, a good spec, a server that never answers, and a
//! port nobody listens on.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use common::{MINI_SPEC, Root};
use serde_json::Value;

/// What the server does with its one connection.
enum Reply {
    /// Send this status, content type and body.
    Send(u16, &'static str, String),
    /// Read the request, then say nothing until the client hangs up (or
    /// ten seconds pass): the test waits for the client, not a fixed time.
    Stall,
}

/// Serves exactly one connection on 127.0.0.1 and returns the request head
/// it received. The thread ends by itself.
fn serve_once(reply: Reply) -> (String, JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/v1/openapiV3.json",
        listener.local_addr().unwrap()
    );
    let handle = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let head = read_head(&mut stream);
        match reply {
            Reply::Send(status, content_type, body) => {
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes());
            }
            Reply::Stall => {
                // `read_head` set a 10 s read timeout; EOF means the client
                // gave up.
                let _ = stream.read(&mut [0u8; 1]);
            }
        }
        head
    });
    (url, handle)
}

fn read_head(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

#[test]
fn a_server_error_is_named_and_changes_nothing() {
    let root = Root::pinned("http-500", "incident-io.json");
    let before = root.fingerprint();
    let (url, server) = serve_once(Reply::Send(
        500,
        "application/json",
        "{\"type\":\"internal_error\"}".into(),
    ));
    root.xtask(&["refresh-spec", "--from", &url])
        .assert_error(&format!("{url} answered HTTP 500, not a spec"));
    server.join().unwrap();
    assert_eq!(root.fingerprint(), before);
}

#[test]
fn an_html_page_with_status_200_is_refused() {
    let root = Root::pinned("http-html", "incident-io.json");
    let before = root.fingerprint();
    let page = "<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>".to_owned();
    let (url, server) = serve_once(Reply::Send(200, "text/html; charset=utf-8", page));
    root.xtask(&["refresh-spec", "--from", &url])
        .assert_error(&format!(
            "rejected spec {url}: the spec is not valid JSON: it looks like HTML"
        ));
    server.join().unwrap();
    assert_eq!(root.fingerprint(), before);
}

#[test]
fn a_good_download_is_written_with_its_url_as_source() {
    let root = Root::empty("http-ok");
    let (url, server) = serve_once(Reply::Send(200, "application/json", MINI_SPEC.to_owned()));
    let run = root.xtask(&["refresh-spec", "--from", &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let head = server.join().unwrap();
    assert!(
        head.starts_with("GET /v1/openapiV3.json HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("\r\naccept: application/json\r\n"),
        "{head}"
    );
    let lock: Value = serde_json::from_slice(&std::fs::read(root.lock()).unwrap()).unwrap();
    assert_eq!(lock["source"], url.as_str());
    assert_eq!(lock["operations"], 1);
}

#[test]
fn a_server_that_does_not_answer_times_out() {
    let root = Root::pinned("http-stall", "incident-io.json");
    let before = root.fingerprint();
    let (url, server) = serve_once(Reply::Stall);
    let started = std::time::Instant::now();
    let run = root.xtask(&["refresh-spec", "--from", &url, "--timeout", "1"]);
    run.assert_error(&format!("cannot download {url}: "));
    assert!(
        run.stderr.to_ascii_lowercase().contains("timeout"),
        "{}",
        run.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "gave up after the timeout"
    );
    server.join().unwrap();
    assert_eq!(root.fingerprint(), before);
}

#[test]
fn a_closed_port_is_a_download_error() {
    let root = Root::pinned("http-refused", "incident-io.json");
    let before = root.fingerprint();
    // Bind then release a port, so nothing listens on it.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/v1/openapiV3.json");
    root.xtask(&["refresh-spec", "--check", "--from", &url])
        .assert_error(&format!("cannot download {url}: "));
    assert_eq!(root.fingerprint(), before);
}
