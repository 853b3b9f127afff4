//! Faults a real network produces, injected by a raw loopback server: each
//! ends the call with a typed error within the configured timeout, a POST
//! that may have reached the server is never sent again, and a redirect
//! never carries the API key to another host.

use crate::common::raw_http;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use incidentio::{Client, Error, Pacing, RetryPolicy};
use raw_http::{After, RawServer, Received, Reply, json, with_headers};

const KEY: &str = "sk_live_FAULT_7c1d0e9f8a2b_SECRET";

/// Per-attempt timeout of the clients below.
const TIMEOUT: Duration = Duration::from_millis(500);

fn client(server: &RawServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .retry_policy(retry)
        .pacing(Pacing::disabled())
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .build()
        .unwrap()
}

/// Retries with millisecond waits, so a retried fault still ends quickly.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(5))
        .max_wait(Duration::from_millis(50))
}

/// Runs a call and checks it ended within `limit` (the timeout of every
/// attempt plus the retry waits, with slack for a loaded machine).
async fn within<T>(limit: Duration, call: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let out = tokio::time::timeout(limit + Duration::from_secs(3), call)
        .await
        .unwrap_or_else(|_| panic!("the call did not end within {limit:?} (+3 s slack)"));
    eprintln!("  ended after {:?}", started.elapsed());
    out
}

fn head(status: u16, length: usize) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n"
    )
    .into_bytes()
}

fn severity_create_body() -> incidentio::types::SeveritiesCreatePayloadV1 {
    serde_json::from_str(r#"{"name":"Minor","description":"Issues with low impact","rank":1}"#)
        .unwrap()
}

#[tokio::test]
async fn connection_reset_mid_body_is_a_transport_error_and_a_post_is_not_resent() {
    let hits = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&hits);
    let server = RawServer::start("127.0.0.1", move |_| {
        count.fetch_add(1, Ordering::SeqCst);
        let mut bytes = head(200, 4096);
        bytes.extend_from_slice(br#"{"severities":[{"id":"01FCNDV6P870EA6S7TK1DSYDG0","#);
        Reply::Raw {
            bytes,
            then: After::Reset,
        }
    })
    .await;

    let get = client(&server, RetryPolicy::disabled());
    let error = within(TIMEOUT, get.severities_v1_list().send())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(error.method_name(), Some("severities_v1_list"));

    // A POST whose response broke off had reached the server: retrying it
    // could create the severity twice.
    hits.store(0, Ordering::SeqCst);
    let retrying = client(&server, fast_retries());
    let error = within(
        TIMEOUT * 3,
        retrying
            .severities_v1_create()
            .body(severity_create_body())
            .send(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "the POST was sent again");

    // A GET with retries on ends typed too. (Today it is not retried: the
    // retry loop returns when the head arrives, and the generated code
    // reads the body after it.)
    let error = within(TIMEOUT * 3, retrying.severities_v1_list().send())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[tokio::test]
async fn a_server_that_stalls_times_out() {
    // Stalls before the status line, or after the head with half a body.
    let server = RawServer::start("127.0.0.1", |request: Received| {
        let bytes = if request.target.contains("/v1/severities/") {
            let mut bytes = head(200, 4096);
            bytes.extend_from_slice(br#"{"severity":{"id":"#);
            bytes
        } else {
            Vec::new()
        };
        Reply::Raw {
            bytes,
            then: After::Stall(Duration::from_secs(30)),
        }
    })
    .await;
    let client = client(&server, RetryPolicy::disabled());

    let error = within(TIMEOUT, client.severities_v1_list().send())
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "no response: {error:?}");

    let error = within(TIMEOUT, client.severities_v1_show().id("x").send())
        .await
        .unwrap_err();
    assert!(
        error.is_timeout(),
        "a body that stops arriving is a timeout too: {error:?}"
    );
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_and_a_short_body_a_transport_error() {
    let server = RawServer::start("127.0.0.1", |request: Received| {
        if request.target.starts_with("/v1/severities/") {
            // Announces more than it sends, then closes cleanly.
            let mut bytes = head(200, 500);
            bytes.extend_from_slice(br#"{"severity":{"id":"01F"#);
            Reply::Raw {
                bytes,
                then: After::Close,
            }
        } else {
            // Complete as HTTP, cut short as JSON.
            json(
                200,
                r#"{"severities":[{"id":"01FCNDV6P870EA6S7TK1DSYDG0","na"#,
            )
        }
    })
    .await;
    let client = client(&server, RetryPolicy::disabled());

    let error = within(TIMEOUT, client.severities_v1_list().send())
        .await
        .unwrap_err();
    let Error::Decode { path, message, .. } = &error else {
        panic!("expected a decode error: {error:?}");
    };
    assert!(message.contains("EOF"), "{path}: {message}");

    let error = within(TIMEOUT, client.severities_v1_show().id("x").send())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

const SIZE: usize = 16 << 20;

/// 16 MiB where `severities_v1_list` expects an array, or as a 502 page.
async fn large_body_server() -> RawServer {
    RawServer::start("127.0.0.1", |request: Received| {
        if request.target.starts_with("/v1/severities") {
            // 16 MiB where an array belongs.
            let mut body = Vec::with_capacity(SIZE + 32);
            body.extend_from_slice(br#"{"severities":""#);
            body.resize(SIZE, b'a');
            body.extend_from_slice(br#""}"#);
            json(200, body)
        } else {
            // A proxy's 16 MiB error page.
            let mut body = b"<html><body>".to_vec();
            body.resize(SIZE, b'x');
            with_headers(502, &[("content-type", "text/html")], body)
        }
    })
    .await
}

/// A whole-body allowance that fits 16 MiB on a slow debug build.
const LARGE_TIMEOUT: Duration = Duration::from_secs(10);

fn large_body_client(server: &RawServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .retry_policy(RetryPolicy::disabled())
        .pacing(Pacing::disabled())
        .timeout(LARGE_TIMEOUT)
        .build()
        .unwrap()
}

#[tokio::test]
async fn very_large_bodies_end_in_typed_errors() {
    let server = large_body_server().await;
    let client = large_body_client(&server);

    let error = within(LARGE_TIMEOUT, client.severities_v1_list().send())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Decode { .. }),
        "{:.200}",
        error.to_string()
    );

    let error = within(LARGE_TIMEOUT, client.incident_roles_v2_list().send())
        .await
        .unwrap_err();
    let api = error.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 502);
    assert!(
        api.body.len() <= 512,
        "kept {} bytes of the body",
        api.body.len()
    );
    assert!(error.to_string().len() < 512, "{error}");
    assert!(format!("{error:?}").len() < 2048);
}

/// An error response keeps at most 512 bytes of its body, and a decode
/// error is as frugal: serde quotes the offending value whole (`invalid
/// type: string "aaaa…16 MiB…", expected a sequence`), so without the bound
/// one bad response would put megabytes, and whatever data they hold, into a
/// log line.
#[tokio::test]
async fn a_decode_error_keeps_little_of_a_large_body() {
    let server = large_body_server().await;
    let client = large_body_client(&server);
    let error = within(LARGE_TIMEOUT, client.severities_v1_list().send())
        .await
        .unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.len() < 1024,
        "Display is {} bytes: {:.200}…",
        shown.len(),
        shown
    );
    assert!(format!("{error:?}").len() < 2048);
}

#[tokio::test]
async fn a_content_encoding_that_does_not_decode_is_a_typed_error() {
    let server = RawServer::start("127.0.0.1", |request: Received| {
        let encoding = if request.target.contains("gzip") {
            "gzip"
        } else {
            "x-unheard-of"
        };
        with_headers(
            200,
            &[
                ("content-type", "application/json"),
                ("content-encoding", encoding),
            ],
            b"\x1f\x8b\x08\x00garbage, not a gzip stream".to_vec(),
        )
    })
    .await;
    let client = client(&server, RetryPolicy::disabled());
    for id in ["gzip", "other"] {
        let error = within(TIMEOUT, client.severities_v1_show().id(id).send())
            .await
            .unwrap_err();
        // Without reqwest's decompression features the bytes arrive as they
        // are and fail to decode; with them, decompression fails in
        // transport. Either is typed; a success or panic is not.
        assert!(
            matches!(error, Error::Decode { .. } | Error::Transport { .. }),
            "{id}: {error:?}"
        );
        eprintln!("  {id}: {error}");
    }
}

/// Records the `Authorization` values that reached a host; answers 401
/// without one, and a decodable 200 with one (so that a leak would also
/// show as a success).
async fn other_host(ip: &str) -> Option<(RawServer, Arc<Mutex<Vec<Vec<String>>>>)> {
    if tokio::net::TcpListener::bind((ip, 0)).await.is_err() {
        return None;
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let server = RawServer::start(ip, move |request: Received| {
        let auth: Vec<String> = request
            .header_all("authorization")
            .into_iter()
            .map(str::to_owned)
            .collect();
        let leaked = !auth.is_empty();
        record.lock().unwrap().push(auth);
        if leaked {
            json(200, r#"{"severities":[]}"#)
        } else {
            json(
                401,
                r#"{"type":"authentication_error","status":401,"errors":[]}"#,
            )
        }
    })
    .await;
    Some((server, seen))
}

#[tokio::test]
async fn a_redirect_never_carries_the_key_to_another_host() {
    // Another address on the loopback network, and another port on the
    // same address: both are other origins, and reqwest strips
    // `Authorization` when the host or the port changes.
    let mut targets = Vec::new();
    match other_host("127.0.0.2").await {
        Some(target) => targets.push(target),
        None => eprintln!("  127.0.0.2 is not bindable here; testing another port only"),
    }
    targets.push(other_host("127.0.0.1").await.expect("127.0.0.1"));

    for (target, seen) in &targets {
        for (status, method) in [(302, "GET"), (307, "GET"), (308, "GET"), (307, "POST")] {
            let location = format!("{}/v1/severities", target.url());
            let api = RawServer::start("127.0.0.1", move |_| {
                with_headers(status, &[("location", location.as_str())], Vec::new())
            })
            .await;
            let client = client(&api, RetryPolicy::disabled());
            seen.lock().unwrap().clear();
            let result = if method == "GET" {
                within(TIMEOUT, client.severities_v1_list().send())
                    .await
                    .map(drop)
            } else {
                within(
                    TIMEOUT,
                    client
                        .severities_v1_create()
                        .body(severity_create_body())
                        .send(),
                )
                .await
                .map(drop)
            };
            let requests = seen.lock().unwrap().clone();
            assert_eq!(
                requests.len(),
                1,
                "{status} {method} to {}: the redirect was followed once",
                target.url()
            );
            assert!(
                requests.iter().all(Vec::is_empty),
                "{status} {method}: Authorization reached {}: {requests:?}",
                target.url()
            );
            let error = result.expect_err("the other host refuses a request without a key");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error:?}");
            assert!(!format!("{error} {error:?}").contains(KEY));
        }
    }
}
