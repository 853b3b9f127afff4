//! Each HTTP attempt runs in an `incidentio.request` span in OpenTelemetry's
//! HTTP client conventions (`otel.name`, `http.request.method`,
//! `url.template`, `http.request.resend_count`, `error.type`, …) with the
//! operation id and request id of our own, and nothing traced contains the
//! API key or a query value.

use std::time::Duration;

use crate::common::capture::{Capture, Fields, register_a_second_dispatcher};
use crate::common::*;
use httpmock::HttpMockResponse;
use httpmock::prelude::*;
use incidentio::Method;

/// An error body naming its request id, which the span takes when no
/// `x-request-id` header does.
const NOT_FOUND_404: &str = r#"{"type":"not_found","status":404,"request_id":"r-404",
    "errors":[{"code":"not_found","message":"The requested resource could not be found"}]}"#;

const UNAVAILABLE_503: &str = r#"{"type":"service_unavailable","status":503,"request_id":"r-503",
    "errors":[{"code":"service_unavailable","message":"Try again"}]}"#;

const SEVERITY: &str = r#"{"severity":{"id":"sev-1","name":"Minor","description":"Issues",
    "rank":1,"created_at":"2021-08-17T13:28:57.801578Z","updated_at":"2021-08-17T13:28:57.801578Z"}}"#;

/// Runs `calls` with a capture installed and returns the
/// `incidentio.request` spans it saw, in order.
async fn spans_of<F: std::future::Future<Output = ()>>(calls: F) -> (Vec<Fields>, Capture) {
    register_a_second_dispatcher();
    let capture = Capture::default();
    let guard = tracing::subscriber::set_default(capture.clone());
    calls.await;
    drop(guard);
    let spans = capture
        .0
        .spans
        .lock()
        .unwrap()
        .iter()
        .filter(|(name, _)| name == "incidentio.request")
        .map(|(_, fields)| fields.clone())
        .collect();
    (spans, capture)
}

/// The fields every attempt's span has, whatever its outcome.
fn assert_request_fields(fields: &Fields, server: &MockServer, template: &str) {
    let port = server.address().port().to_string();
    assert_eq!(fields["otel.name"], format!("GET {template}"), "{fields:?}");
    assert_eq!(fields["otel.kind"], "client");
    assert_eq!(fields["http.request.method"], "GET");
    assert_eq!(fields["url.template"], template);
    assert_eq!(fields["server.address"], "127.0.0.1");
    assert_eq!(fields["server.port"], port);
    assert!(
        fields["url.full"].starts_with(&format!("http://127.0.0.1:{port}/")),
        "{fields:?}"
    );
    assert!(
        !fields.contains_key("http.request.method_original"),
        "{fields:?}"
    );
}

#[tokio::test]
async fn a_success_has_the_http_client_fields() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities/sev-1");
            then.respond_with(|_: &HttpMockRequest| {
                HttpMockResponse::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .header("x-request-id", "req-200")
                    .body(SEVERITY)
                    .build()
            });
        })
        .await;
    let client = client(&server);
    let (spans, _) = spans_of(async {
        client
            .severities_v1_show()
            .id("sev-1")
            .send()
            .await
            .unwrap();
    })
    .await;

    assert_eq!(spans.len(), 1, "{spans:?}");
    let fields = &spans[0];
    assert_request_fields(fields, &server, "/v1/severities/{id}");
    assert_eq!(fields["operation_id"], "Severities V1#Show");
    assert_eq!(
        fields["url.full"],
        format!("{}/v1/severities/sev-1", server.base_url())
    );
    assert_eq!(fields["http.response.status_code"], "200");
    assert_eq!(fields["request_id"], "req-200");
    for absent in [
        "http.request.resend_count",
        "error.type",
        "otel.status_code",
    ] {
        assert!(!fields.contains_key(absent), "{absent}: {fields:?}");
    }
}

#[tokio::test]
async fn a_retried_503_counts_its_resends_and_names_the_error() {
    let server = server().await;
    let count = serve_in_turn(
        &server,
        GET,
        "/v1/severities",
        vec![
            json(503, UNAVAILABLE_503),
            json(503, UNAVAILABLE_503),
            json(200, SEVERITIES),
        ],
    )
    .await;
    let client = client(&server);
    let (spans, capture) = spans_of(async {
        client.severities_v1_list().send().await.unwrap();
    })
    .await;

    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(spans.len(), 3, "one span per attempt: {spans:?}");
    for fields in &spans {
        assert_request_fields(fields, &server, "/v1/severities");
        assert_eq!(fields["operation_id"], "Severities V1#List");
    }
    assert!(
        !spans[0].contains_key("http.request.resend_count"),
        "the first attempt is no resend: {:?}",
        spans[0]
    );
    assert_eq!(spans[1]["http.request.resend_count"], "1");
    assert_eq!(spans[2]["http.request.resend_count"], "2");
    for failed in &spans[..2] {
        assert_eq!(failed["http.response.status_code"], "503");
        assert_eq!(failed["error.type"], "503");
        assert_eq!(failed["otel.status_code"], "ERROR");
        assert_eq!(failed["request_id"], "r-503");
    }
    assert_eq!(spans[2]["http.response.status_code"], "200");
    assert!(!spans[2].contains_key("error.type"), "{:?}", spans[2]);

    let events = capture.0.events.lock().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.get("message").is_some_and(|m| m.contains("retrying"))),
        "the retry is logged: {events:?}"
    );
}

#[tokio::test]
async fn a_404_is_one_failed_attempt() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities/sev-missing");
            then.respond_with(|_: &HttpMockRequest| json(404, NOT_FOUND_404));
        })
        .await;
    let client = client(&server);
    let (spans, capture) = spans_of(async {
        let error = client
            .severities_v1_show()
            .id("sev-missing")
            .send()
            .await
            .unwrap_err();
        assert!(error.is_not_found(), "{error}");
    })
    .await;

    assert_eq!(spans.len(), 1, "a 404 is not retried: {spans:?}");
    let fields = &spans[0];
    assert_request_fields(fields, &server, "/v1/severities/{id}");
    assert_eq!(fields["http.response.status_code"], "404");
    assert_eq!(fields["error.type"], "404");
    assert_eq!(fields["otel.status_code"], "ERROR");
    assert_eq!(fields["request_id"], "r-404", "from the error body");
    assert!(!fields.contains_key("http.request.resend_count"));

    let events = capture.0.events.lock().unwrap();
    assert!(
        events.iter().any(|e| {
            e.get("message").is_some_and(|m| m == "error response")
                && e.get("status").is_some_and(|s| s == "404")
        }),
        "the 404 is logged: {events:?}"
    );
    assert_no_key("spans", &format!("{spans:?}"));
    assert_no_key("events", &format!("{events:?}"));
}

#[tokio::test]
async fn a_timeout_has_no_status_and_error_type_timeout() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.status(200)
                .delay(Duration::from_secs(2))
                .body(SEVERITIES);
        })
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(100))
        .retry_policy(incidentio::RetryPolicy::default().max_retries(0))
        .build()
        .unwrap();
    let (spans, _) = spans_of(async {
        let error = client.severities_v1_list().send().await.unwrap_err();
        assert!(error.is_timeout(), "{error:?}");
    })
    .await;

    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0]["error.type"], "timeout");
    assert_eq!(spans[0]["otel.status_code"], "ERROR");
    assert!(!spans[0].contains_key("http.response.status_code"));
}

#[tokio::test]
async fn query_values_never_reach_a_span_and_raw_paths_are_not_templates() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path_includes("/ping");
            then.status(204);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.respond_with(|_: &HttpMockRequest| json(200, SEVERITIES));
        })
        .await;
    let client = client(&server);
    let (spans, _) = spans_of(async {
        // A generated operation with a token in its query.
        client
            .heartbeat_v2_ping()
            .alert_source_config_id("src-1")
            .token("tok_QUERY_SECRET_1")
            .send()
            .await
            .unwrap();
        // A raw request to an operation's path, a query in the path itself.
        client
            .request(Method::GET, "/v1/severities?token=tok_QUERY_SECRET_2")
            .query("page_size", "tok_QUERY_SECRET_3")
            .send()
            .await
            .unwrap();
        // A raw request to a path no operation has.
        client
            .request(Method::GET, "/v9/newer_than_this_build/abc123")
            .send()
            .await
            .unwrap();
    })
    .await;

    assert_eq!(spans.len(), 3, "{spans:?}");
    let text = format!("{spans:?}");
    assert!(!text.contains("tok_QUERY_SECRET"), "{text}");
    assert_no_key("spans", &text);

    let ping = &spans[0];
    assert_eq!(
        ping["otel.name"],
        "POST /v2/heartbeat/{alert_source_config_id}/ping"
    );
    assert_eq!(
        ping["url.full"],
        format!(
            "{}/v2/heartbeat/src-1/ping?token=REDACTED",
            server.base_url()
        )
    );

    let raw_known = &spans[1];
    assert_eq!(raw_known["otel.name"], "GET /v1/severities");
    assert_eq!(raw_known["url.template"], "/v1/severities");
    assert_eq!(raw_known["operation_id"], "raw GET /v1/severities");
    assert!(
        raw_known["url.full"].ends_with("/v1/severities?token=REDACTED&page_size=REDACTED"),
        "{raw_known:?}"
    );

    let raw_unknown = &spans[2];
    assert_eq!(raw_unknown["otel.name"], "GET", "a raw path is no template");
    assert!(!raw_unknown.contains_key("url.template"), "{raw_unknown:?}");
    assert_eq!(
        raw_unknown["operation_id"],
        "raw GET /v9/newer_than_this_build/abc123"
    );
}
