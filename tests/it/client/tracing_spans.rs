//! Each HTTP attempt runs in an `incidentio.request` span with the
//! operation id, method, path template, attempt, status and request id, and
//! nothing traced contains the API key.

use crate::common::capture::{Capture, Fields, register_a_second_dispatcher};
use crate::common::*;
use httpmock::HttpMockResponse;
use httpmock::prelude::*;

/// An error body naming its request id, which the span takes when no
/// `x-request-id` header does.
const NOT_FOUND_404: &str = r#"{"type":"not_found","status":404,"request_id":"r-404",
    "errors":[{"code":"not_found","message":"The requested resource could not be found"}]}"#;

#[tokio::test]
async fn each_attempt_has_a_span_with_its_details() {
    register_a_second_dispatcher();
    let server = server().await;
    let (responder, _) = sequence(vec![
        HttpMockResponse::builder()
            .status(429)
            .header("retry-after", "0")
            .header("content-type", "application/json")
            .body(RATE_LIMITED_429)
            .build(),
        HttpMockResponse::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("x-request-id", "req-200")
            .body(SEVERITIES)
            .build(),
    ]);
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.respond_with(responder);
        })
        .await;
    // An error path too: its span, and its events checked for the key.
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities/sev-missing");
            then.respond_with(|_: &HttpMockRequest| json(404, NOT_FOUND_404));
        })
        .await;
    let client = client(&server);

    let capture = Capture::default();
    let guard = tracing::subscriber::set_default(capture.clone());
    client.severities_v1_list().send().await.unwrap();
    let error = client
        .severities_v1_show()
        .id("sev-missing")
        .send()
        .await
        .unwrap_err();
    drop(guard);
    assert!(error.is_not_found(), "{error}");

    let spans = capture.0.spans.lock().unwrap();
    let of = |operation: &str| -> Vec<&Fields> {
        spans
            .iter()
            .filter(|(name, fields)| {
                name == "incidentio.request" && fields["operation_id"] == operation
            })
            .map(|(_, fields)| fields)
            .collect()
    };
    let requests = of("Severities V1#List");
    assert_eq!(requests.len(), 2, "one span per attempt: {spans:?}");
    for (index, fields) in requests.iter().enumerate() {
        assert_eq!(fields["operation_id"], "Severities V1#List");
        assert_eq!(fields["method"], "GET");
        assert_eq!(fields["path"], "/v1/severities");
        assert_eq!(fields["attempt"], (index + 1).to_string());
    }
    assert_eq!(requests[0]["status"], "429");
    assert_eq!(
        requests[0]["request_id"],
        "b839a403-7704-41c1-bf6a-39a2d68caefa"
    );
    assert_eq!(requests[1]["status"], "200");
    assert_eq!(requests[1]["request_id"], "req-200");

    let shows = of("Severities V1#Show");
    assert_eq!(shows.len(), 1, "a 404 is not retried: {spans:?}");
    assert_eq!(shows[0]["method"], "GET");
    assert_eq!(shows[0]["path"], "/v1/severities/{id}");
    assert_eq!(shows[0]["attempt"], "1");
    assert_eq!(shows[0]["status"], "404");
    assert_eq!(
        shows[0].get("request_id").map(String::as_str),
        Some("r-404"),
        "from the error body: {spans:?}"
    );

    let events = capture.0.events.lock().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.get("message").is_some_and(|m| m.contains("retrying"))),
        "the retry is logged: {events:?}"
    );
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
