//! The client's escape hatches and bounds: raw requests through the same
//! path as generated operations, untyped bodies, the body a `Decode` error
//! keeps, the body-size limit, success bodies broken mid-read, and retries
//! of creates that carry their idempotency key.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;
use crate::common::{raw_http, spec, typed};
use httpmock::prelude::*;
use incidentio::{Client, Error, Method, Pacing};
use raw_http::{After, RawServer, Received, Reply};
use tokio::io::AsyncWriteExt;

fn status(code: u16) -> httpmock::HttpMockResponse {
    httpmock::HttpMockResponse::builder().status(code).build()
}

// ---- raw requests -------------------------------------------------------

#[tokio::test]
async fn a_raw_request_carries_auth_user_agent_query_and_body() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v9/new_things")
                .header("authorization", format!("Bearer {KEY}"))
                .header_exists("user-agent")
                .header("content-type", "application/json")
                .query_param("a", "1")
                .query_param("b", "two words")
                .json_body(serde_json::json!({"name": "x"}));
            then.status(201).body(r#"{"thing":{"id":"t1"}}"#);
        })
        .await;
    let response = client(&server)
        .request(Method::POST, "/v9/new_things")
        .query("a", "1")
        .query("b", "two words")
        .json(&serde_json::json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(response.status(), 201);
    let value: serde_json::Value = response.json().unwrap();
    assert_eq!(value["thing"]["id"], "t1");
}

#[tokio::test]
async fn a_raw_post_is_retried_on_429_but_not_on_503() {
    let server = server().await;
    let (responder, calls) = sequence(vec![
        httpmock::HttpMockResponse::builder()
            .status(429)
            .header("retry-after", "0")
            .body(RATE_LIMITED_429)
            .build(),
        json(200, "{}"),
    ]);
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v9/limited");
            then.respond_with(responder);
        })
        .await;
    let (responder_503, calls_503) = sequence(vec![status(503), json(200, "{}")]);
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v9/unavailable");
            then.respond_with(responder_503);
        })
        .await;
    let client = client(&server);

    client
        .request(Method::POST, "/v9/limited")
        .send()
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let error = client
        .request(Method::POST, "/v9/unavailable")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(calls_503.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_raw_get_is_retried_on_503() {
    let server = server().await;
    let (responder, calls) = sequence(vec![status(503), json(200, r#"{"ok":true}"#)]);
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v9/flaky");
            then.respond_with(responder);
        })
        .await;
    let value: serde_json::Value = client(&server)
        .request(Method::GET, "/v9/flaky")
        .send_as()
        .await
        .unwrap();
    assert_eq!(value["ok"], true);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_raw_error_decodes_the_envelope() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/incidents");
            then.status(422)
                .header("content-type", "application/json")
                .body(VALIDATION_422);
        })
        .await;
    let error = client(&server)
        .request(Method::POST, "/v2/incidents")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_validation(), "{error}");
    assert_eq!(
        error.request_id(),
        Some("631766c4-4afd-4803-997c-cd700928fa4b")
    );
    assert_eq!(
        error.field_errors()["severity_id"],
        ["A severity is required to open an incident"]
    );
    assert_eq!(error.method_name(), Some("request"));
}

#[tokio::test]
async fn paths_that_leave_the_base_url_are_refused_before_sending() {
    let server = server().await;
    let anything = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let client = client(&server);
    let refused = [
        "https://evil.example/v2/incidents",
        "http://127.0.0.1:1/v2/incidents",
        "//evil.example/v2/incidents",
        "v2/incidents",
        "",
        "/v2/../../etc",
        "/v2/%2e%2e/x",
        "/v2/%2E./x",
        "/./v2",
        "/v2\\..\\x",
        "/v2/incidents#frag",
        "/v2/in cidents",
        "/@evil.example/",
    ];
    for path in refused {
        let request = client.request(Method::GET, path);
        let url = request.url();
        let result = request.send().await;
        // "/@evil.example/" stays on the base host (it is a path segment):
        // it is sent to the server, not refused.
        if path == "/@evil.example/" {
            assert!(url.is_ok() && result.is_ok(), "{url:?} {result:?}");
            continue;
        }
        let error = result.unwrap_err();
        assert!(
            matches!(error, Error::InvalidArgument(_)),
            "{path:?} was not refused: {error}"
        );
        assert!(url.is_err(), "url() accepted {path:?}");
        assert!(
            error.to_string().contains("path"),
            "the error does not say what is wrong: {error}"
        );
    }
    // Only the one same-host path was sent.
    assert_eq!(anything.calls_async().await, 1);
}

#[tokio::test]
async fn a_raw_request_never_shows_the_key() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(401)
                .header("content-type", "application/json")
                .body(AUTH_401);
        })
        .await;
    let client = client(&server);
    let request = client
        .request(Method::GET, "/v9/x")
        .header("x-extra", "1")
        .query("q", "1");
    assert_no_key("RawRequest Debug", &format!("{request:?}"));
    let error = request.send().await.unwrap_err();
    assert_no_key("raw error Display", &error.to_string());
    assert_no_key("raw error Debug", &format!("{error:?}"));
    // A bad header value names the header but not the value (a credential).
    let error = client
        .request(Method::GET, "/v9/x")
        .header("authorization", &format!("Bearer {KEY}\n"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    assert_no_key("invalid header error", &error.to_string());
}

// ---- untyped bodies and decode errors -------------------------------------

#[tokio::test]
async fn a_body_missing_a_required_field_gives_decode_with_path_and_body_and_send_json_reads_it() {
    let server = server().await;
    // `severities[0]` lacks the required `name` (and the rest).
    let body = r#"{"severities":[{"id":"01FCNDV6P870EA6S7TK1DSYDG0","extra":42}]}"#;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;
    let client = client(&server);
    let error = client.severities_v1_list().send().await.unwrap_err();
    let Error::Decode { path, .. } = &error else {
        panic!("not a decode error: {error}");
    };
    assert_eq!(path, "severities[0]");
    assert_eq!(error.body(), Some(body.as_bytes()));
    assert!(error.to_string().len() < 300, "Display is long: {error}");

    let untyped = client.severities_v1_list().send_json().await.unwrap();
    assert_eq!(untyped.status(), 200);
    assert_eq!(untyped["severities"][0]["extra"], 42);
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_decode_error() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.status(200).body(b"{\"severities\":[\"\xff\"]}");
        })
        .await;
    let error = client(&server)
        .severities_v1_list()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error}");
}

// ---- the body limit -----------------------------------------------------------

/// A loopback server that answers one request with a chunked body of
/// `total` bytes, written in 64 KiB chunks as fast as the client reads, and
/// reports how many body bytes it managed to write before the client
/// stopped reading.
async fn endless_body_server(total: usize) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let written = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&written);
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = vec![b' '; 64 * 1024];
        let framed = [
            format!("{:x}\r\n", chunk.len()).into_bytes(),
            chunk,
            b"\r\n".to_vec(),
        ]
        .concat();
        let mut sent = 0;
        while sent < total {
            if stream.write_all(&framed).await.is_err() {
                return;
            }
            sent += 64 * 1024;
            counter.store(sent, Ordering::SeqCst);
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
    });
    (url, written)
}

#[tokio::test]
async fn a_body_over_the_limit_fails_typed_without_being_read_whole() {
    const LIMIT: usize = 1024 * 1024;
    const TOTAL: usize = 512 * 1024 * 1024;
    let (url, written) = endless_body_server(TOTAL).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(url)
        .pacing(Pacing::disabled())
        .max_body_size(LIMIT)
        .build()
        .unwrap();
    let error = client.severities_v1_list().send().await.unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: LIMIT, .. }),
        "{error}"
    );
    assert!(!error.to_string().contains(KEY));
    // How we know memory stayed bounded: the client stopped reading after
    // the limit, so the server could write no more than the limit plus
    // the socket buffers, far from the 512 MiB body.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = written.load(Ordering::SeqCst);
    assert!(
        sent < 32 * 1024 * 1024,
        "the server wrote {sent} bytes: the client kept reading"
    );
}

#[tokio::test]
async fn a_declared_length_over_the_limit_fails_before_reading() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.status(200).body(vec![b' '; 4096]);
        })
        .await;
    let client = builder(&server).max_body_size(1024).build().unwrap();
    let error = client.severities_v1_list().send().await.unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 1024, .. }),
        "{error}"
    );
    let raw = client
        .request(Method::GET, "/v1/severities")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(raw, Error::BodyTooLarge { .. }), "{raw}");
}

// ---- bodies broken mid-read ---------------------------------------------------

/// Answers the first request with a 200 whose body is cut off by a reset,
/// then with `good`; counts requests.
async fn cut_then_good(good: &'static str) -> (RawServer, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let server = RawServer::start("127.0.0.1", move |_: Received| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            let mut bytes =
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4096\r\n\r\n"
                    .to_vec();
            bytes.extend_from_slice(br#"{"severities":[{"id":"01F"#);
            Reply::Raw {
                bytes,
                then: After::Reset,
            }
        } else {
            raw_http::json(200, good)
        }
    })
    .await;
    (server, count)
}

fn raw_client(server: &RawServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .pacing(Pacing::disabled())
        .retry_policy(fast_retries())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_get_whose_body_breaks_mid_read_is_retried() {
    let (server, count) = cut_then_good(SEVERITIES).await;
    let result = raw_client(&server).severities_v1_list().send().await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_post_whose_body_breaks_mid_read_fails_once_with_transport() {
    let (server, count) = cut_then_good(r#"{"severity":{}}"#).await;
    let body: incidentio::types::SeveritiesCreatePayloadV1 =
        serde_json::from_str(r#"{"name":"Minor","description":"Low impact","rank":1}"#).unwrap();
    let error = raw_client(&server)
        .severities_v1_create()
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

// ---- creates carrying an idempotency key ----------------------------------------

fn incident_create_body(key: Option<&str>) -> serde_json::Value {
    let mut body = serde_json::json!({"visibility": "public", "name": "Checkout down"});
    if let Some(key) = key {
        body["idempotency_key"] = key.into();
    }
    body
}

#[tokio::test]
async fn the_operations_with_an_idempotency_key_come_from_the_spec() {
    // Every POST whose JSON body has `idempotency_key` or
    // `deduplication_key` at its top level, read from the spec here.
    let spec = spec::load();
    let mut expected = Vec::new();
    for (_, methods) in spec["paths"].as_object().unwrap() {
        let Some(op) = methods.get("post") else {
            continue;
        };
        let mut schema = &op["requestBody"]["content"]["application/json"]["schema"];
        while let Some(name) = schema["$ref"].as_str() {
            schema = &spec["components"]["schemas"][name.rsplit('/').next().unwrap()];
        }
        for key in ["idempotency_key", "deduplication_key"] {
            if schema["properties"].get(key).is_some() {
                expected.push((op["operationId"].as_str().unwrap().to_owned(), key));
            }
        }
    }
    expected.sort();
    let mut actual: Vec<(String, &str)> = incidentio::OPERATIONS
        .iter()
        .filter_map(|op| Some((op.id.to_owned(), op.idempotency_key?)))
        .collect();
    actual.sort();
    assert!(!expected.is_empty());
    assert_eq!(actual, expected);
}

#[tokio::test]
async fn an_incident_create_with_its_key_is_retried_on_503_with_the_same_key() {
    let server = server().await;
    let keys = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&keys);
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    server
        .mock_async(move |when, then| {
            when.method(POST).path("/v2/incidents");
            then.respond_with(move |request: &httpmock::HttpMockRequest| {
                let body: serde_json::Value = serde_json::from_slice(request.body_ref()).unwrap();
                seen.lock().unwrap().push(body["idempotency_key"].clone());
                match counter.fetch_add(1, Ordering::SeqCst) {
                    0 | 1 => status(503),
                    _ => json(200, r#"{"incident":{}}"#),
                }
            });
        })
        .await;
    let body: incidentio::types::IncidentsCreatePayloadV2 =
        typed::from_value(&incident_create_body(Some("deploy-4711"))).unwrap();
    // The typed decode of `{}` fails; what matters is how many calls were made.
    let _ = client(&server)
        .incidents_v2_create()
        .body(body)
        .send_json()
        .await
        .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 3);
    assert_eq!(
        *keys.lock().unwrap(),
        vec![serde_json::json!("deploy-4711"); 3]
    );
}

#[tokio::test]
async fn an_incident_create_with_its_key_is_retried_after_a_dropped_connection() {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let server = RawServer::start("127.0.0.1", move |_: Received| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::Raw {
                bytes: Vec::new(),
                then: After::Reset,
            }
        } else {
            raw_http::json(200, r#"{"incident":{}}"#)
        }
    })
    .await;
    let body: incidentio::types::IncidentsCreatePayloadV2 =
        typed::from_value(&incident_create_body(Some("deploy-4712"))).unwrap();
    let result = raw_client(&server)
        .incidents_v2_create()
        .body(body)
        .send_json()
        .await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_raw_post_to_a_known_create_with_its_key_is_retried_too() {
    let server = server().await;
    let (responder, calls) = sequence(vec![status(502), json(201, "{}")]);
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/incidents");
            then.respond_with(responder);
        })
        .await;
    client(&server)
        .request(Method::POST, "/v2/incidents")
        .json(&incident_create_body(Some("raw-key")))
        .send()
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_http_alert_event_without_a_deduplication_key_is_not_retried() {
    let server = server().await;
    let (responder, calls) = sequence(vec![status(503), json(202, "{}")]);
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/alert_events/http/src-1");
            then.respond_with(responder);
        })
        .await;
    let payload: incidentio::types::AlertEventsCreateHttpPayloadV2 =
        typed::from_value(&serde_json::json!({"title": "Disk full", "status": "firing"})).unwrap();
    let error = client(&server)
        .alert_events_v2_create_http()
        .alert_source_config_id("src-1")
        .body(payload)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // With the key, the same call is retried.
    let (responder, calls) = sequence(vec![
        status(503),
        json(
            202,
            r#"{"deduplication_key":"k","message":"ok","status":"success"}"#,
        ),
    ]);
    server.reset_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/alert_events/http/src-1");
            then.respond_with(responder);
        })
        .await;
    let payload: incidentio::types::AlertEventsCreateHttpPayloadV2 = typed::from_value(
        &serde_json::json!({"title": "Disk full", "status": "firing", "deduplication_key": "k"}),
    )
    .unwrap();
    client(&server)
        .alert_events_v2_create_http()
        .alert_source_config_id("src-1")
        .body(payload)
        .send_json()
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn other_posts_and_creates_without_their_key_are_not_retried() {
    let server = server().await;
    let (responder, calls) = sequence(vec![status(503)]);
    server
        .mock_async(|when, then| {
            when.method(POST);
            then.respond_with(responder);
        })
        .await;
    let body: incidentio::types::SeveritiesCreatePayloadV1 =
        serde_json::from_str(r#"{"name":"Minor","description":"Low impact","rank":1}"#).unwrap();
    let client = client(&server);
    assert!(
        client
            .severities_v1_create()
            .body(body)
            .send()
            .await
            .is_err()
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // An empty key is no key.
    let error = client
        .request(Method::POST, "/v2/incidents")
        .json(&incident_create_body(Some("")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}
