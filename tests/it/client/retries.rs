//! Retries: 429 for every method after the wait the API asked for; 502,
//! 503, 504 and connection failures only for idempotent methods; never past
//! the attempt limit, the per-wait cap or the time budget.

use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::common::capture::{Capture, register_a_second_dispatcher};
use crate::common::*;
use httpmock::HttpMockResponse;
use httpmock::prelude::*;
use incidentio::{Error, RetryPolicy};

fn status(code: u16) -> HttpMockResponse {
    HttpMockResponse::builder().status(code).build()
}

fn too_many(retry_after: &str) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(429)
        .header("retry-after", retry_after)
        .header("content-type", "application/json")
        .body(RATE_LIMITED_429)
        .build()
}

#[tokio::test]
async fn a_429_then_200_waits_at_least_retry_after() {
    let server = server().await;
    let calls = serve_in_turn(
        &server,
        GET,
        "/v1/severities",
        vec![too_many("1"), json(200, SEVERITIES)],
    )
    .await;
    let started = Instant::now();
    let result = client(&server).severities_v1_list().send().await;
    let elapsed = started.elapsed();
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(elapsed >= Duration::from_secs(1), "waited only {elapsed:?}");
}

#[tokio::test]
async fn a_429_is_retried_for_post_too() {
    let server = server().await;
    let calls = serve_in_turn(
        &server,
        POST,
        "/v2/heartbeat/hb-1/ping",
        vec![too_many("0"), status(204)],
    )
    .await;
    let result = client(&server)
        .heartbeat_v2_ping()
        .alert_source_config_id("hb-1")
        .send()
        .await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "the API refused the first");
}

#[tokio::test]
async fn retry_after_as_an_http_date() {
    let server = server().await;
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
    let calls = serve_in_turn(
        &server,
        GET,
        "/v1/severities",
        vec![too_many(&date), json(200, SEVERITIES)],
    )
    .await;
    let result = client(&server).severities_v1_list().send().await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn retry_after_from_the_body_when_the_header_is_missing() {
    let server = server().await;
    let at = chrono::Utc::now() + chrono::Duration::seconds(1);
    let body = RATE_LIMITED_429.replace(
        "2025-04-17T11:17:18Z",
        &at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    );
    let calls = serve_in_turn(
        &server,
        GET,
        "/v1/severities",
        vec![json(429, &body), json(200, SEVERITIES)],
    )
    .await;
    let started = Instant::now();
    let result = client(&server).severities_v1_list().send().await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "the body's retry_after was not honoured"
    );
}

#[tokio::test]
async fn get_retries_503_503_then_succeeds() {
    let server = server().await;
    let calls = serve_in_turn(
        &server,
        GET,
        "/v1/severities",
        vec![status(503), status(503), json(200, SEVERITIES)],
    )
    .await;
    let result = client(&server).severities_v1_list().send().await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn delete_retries_502_and_504() {
    let server = server().await;
    let calls = serve_in_turn(
        &server,
        DELETE,
        "/v2/incident_roles/role-1",
        vec![status(502), status(504), status(204)],
    )
    .await;
    let result = client(&server)
        .incident_roles_v2_delete()
        .id("role-1")
        .send()
        .await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn post_is_not_retried_on_503() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/heartbeat/hb-1/ping");
            then.status(503);
        })
        .await;
    let error = client(&server)
        .heartbeat_v2_ping()
        .alert_source_config_id("hb-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        mock.calls_async().await,
        1,
        "a POST may have reached the server"
    );
    assert!(
        !error.is_retryable(),
        "the loop did not resend it, and neither may the caller: {error}"
    );
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            reply_json(
                then,
                500,
                r#"{"type":"internal_error","status":500,"errors":[]}"#,
            );
        })
        .await;
    let error = client(&server)
        .severities_v1_list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(mock.calls_async().await, 1);
    assert!(!error.is_retryable(), "{error}");
}

#[tokio::test]
async fn max_retries_bounds_the_attempts() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.status(503);
        })
        .await;
    let client = builder(&server)
        .retry_policy(fast_retries().max_retries(2))
        .build()
        .unwrap();
    let error = client.severities_v1_list().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(mock.calls_async().await, 3, "one attempt and two retries");
}

#[tokio::test]
async fn disabled_retries_make_one_attempt() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.status(503);
        })
        .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    client.severities_v1_list().send().await.unwrap_err();
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn retries_stop_at_the_budget() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.status(429)
                .header("retry-after", "1")
                .header("content-type", "application/json")
                .body(RATE_LIMITED_429);
        })
        .await;
    // The first 1 s wait fits in 1.5 s; a second would end after it.
    let client = builder(&server)
        .retry_policy(
            fast_retries()
                .max_retries(10)
                .budget(Duration::from_millis(1500)),
        )
        .build()
        .unwrap();
    let error = client.severities_v1_list().send().await.unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(mock.calls_async().await, 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_not_waited_for() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.status(429)
                .header("retry-after", "3")
                .header("content-type", "application/json")
                .body(RATE_LIMITED_429);
        })
        .await;
    let client = builder(&server)
        .retry_policy(fast_retries().max_wait(Duration::from_secs(2)))
        .build()
        .unwrap();
    let error = client.severities_v1_list().send().await.unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(mock.calls_async().await, 1);
}

/// `Error::retry_after` reports the wait the retry loop read from the same
/// response (the `retry_after_ms` of its "error response" event), whatever
/// the response says: a body time already passed (no wait, not zero), a
/// body time ahead in JSON that is not the envelope, `Retry-After: 0`, and
/// `Retry-After` over a body time.
#[tokio::test]
async fn error_retry_after_is_the_wait_the_retry_loop_read() {
    register_a_second_dispatcher();
    let ahead = (chrono::Utc::now() + chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let not_an_envelope = format!(r#"{{"rate_limit":{{"retry_after":"{ahead}"}}}}"#);
    // (Retry-After header, body, whether a wait is expected)
    let cases = [
        (None, RATE_LIMITED_429.to_owned(), false),
        (None, not_an_envelope, true),
        (Some("0"), RATE_LIMITED_429.to_owned(), true),
        (
            Some("7"),
            RATE_LIMITED_429.replace("2025-04-17T11:17:18Z", &ahead),
            true,
        ),
    ];
    for (header, body, waits) in cases {
        let server = server().await;
        server
            .mock_async(|when, then| {
                when.method(GET).path("/v1/severities");
                let then = then
                    .status(429)
                    .header("content-type", "application/json")
                    .body(&body);
                if let Some(value) = header {
                    then.header("retry-after", value);
                }
            })
            .await;
        let client = builder(&server)
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();

        let capture = Capture::default();
        let guard = tracing::subscriber::set_default(capture.clone());
        let error = client.severities_v1_list().send().await.unwrap_err();
        drop(guard);

        let events = capture.0.events.lock().unwrap();
        let read: Vec<Option<&str>> = events
            .iter()
            .filter(|e| e.get("message").is_some_and(|m| m == "error response"))
            .map(|e| e.get("retry_after_ms").map(String::as_str))
            .collect();
        let case = format!("Retry-After {header:?}, body {body}");
        assert_eq!(
            read.len(),
            1,
            "one error response read ({case}): {events:?}"
        );
        let reported = error.retry_after().map(|w| w.as_millis().to_string());
        assert_eq!(reported.as_deref(), read[0], "{case}");
        assert_eq!(reported.is_some(), waits, "{case}");
    }
}

/// A listener that accepts connections and closes them at once, counting
/// them: a connection failure that a mock server cannot produce.
fn hanging_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            count.fetch_add(1, Ordering::SeqCst);
            // Read the request so the close is a reset-free hang-up.
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            drop(stream);
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn connection_failures_are_retried_for_get_only() {
    let (url, accepted) = hanging_up_server();
    let client = incidentio::Client::builder()
        .api_key(KEY)
        .base_url(&url)
        .retry_policy(fast_retries().max_retries(2))
        .build()
        .unwrap();

    let error = client.severities_v1_list().send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_retryable(), "a GET may be sent again: {error:?}");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        3,
        "GET: one attempt and two retries"
    );

    let error = client
        .heartbeat_v2_ping()
        .alert_source_config_id("hb-1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 4, "POST: one attempt only");
    assert!(
        !error.is_retryable(),
        "the POST was written before the connection broke: {error:?}"
    );
}

/// `Error::is_retryable` says what the retry loop did: for each status and
/// request, the attempts the server saw (more than one: the loop resent
/// it) agree with the verdict, and a create with its replay key is
/// retryable where one without is not.
#[tokio::test]
async fn is_retryable_follows_the_retry_loop() {
    let cases: [(u16, bool, bool); 6] = [
        // (status, a POST create with its replay key?, retryable)
        (503, false, false),
        (502, true, true),
        (429, false, true),
        (404, false, false),
        (422, true, false),
        (500, true, false),
    ];
    for (code, keyed, expected) in cases {
        let server = server().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST);
                then.status(code)
                    .header("content-type", "application/json")
                    .header("retry-after", "0")
                    .body(r#"{"type":"x","status":0,"errors":[]}"#);
            })
            .await;
        let client = incidentio::Client::builder()
            .api_key(KEY)
            .base_url(server.base_url())
            .retry_policy(fast_retries().max_retries(1))
            .build()
            .unwrap();
        let request = client.request(incidentio::Method::POST, "/v2/incidents");
        let body = if keyed {
            serde_json::json!({"idempotency_key": "k-1", "visibility": "public"})
        } else {
            serde_json::json!({"visibility": "public"})
        };
        let error = request.json(&body).send().await.unwrap_err();
        let case = format!("{code} keyed={keyed}");
        assert_eq!(error.is_retryable(), expected, "{case}: {error}");
        assert_eq!(
            mock.calls_async().await,
            if expected { 2 } else { 1 },
            "{case}: the loop resends exactly what is retryable"
        );
    }
    // A GET 503: retryable; a connection that could not be made at all,
    // for a POST too (nothing was written).
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(503);
        })
        .await;
    let error = client(&server)
        .severities_v1_list()
        .send()
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error}");
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client = incidentio::Client::builder()
        .api_key(KEY)
        .base_url(&url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client
        .heartbeat_v2_ping()
        .alert_source_config_id("hb-1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_retryable(), "never written: {error:?}");
}
