//! Each HTTP attempt runs in an `incidentio.request` span with the
//! operation id, method, path template, attempt, status and request id, and
//! nothing traced contains the API key.

use crate::common::capture::{Capture, Fields, register_a_second_dispatcher};
use crate::common::*;
use httpmock::HttpMockResponse;
use httpmock::prelude::*;

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
    let client = client(&server);

    let capture = Capture::default();
    let guard = tracing::subscriber::set_default(capture.clone());
    client.severities_v1_list().send().await.unwrap();
    // An error path too, so its events are checked for the key.
    let _ = client.severities_v1_show().send().await;
    drop(guard);

    let spans = capture.0.spans.lock().unwrap();
    let requests: Vec<&Fields> = spans
        .iter()
        .filter(|(name, _)| name == "incidentio.request")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(requests.len(), 2, "one span per attempt: {spans:?}");
    for (index, fields) in requests.iter().enumerate() {
        assert_eq!(fields["operation"], "Severities V1#List");
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

    let events = capture.0.events.lock().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.get("message").is_some_and(|m| m.contains("retrying"))),
        "the retry is logged: {events:?}"
    );
    assert_no_key("spans", &format!("{spans:?}"));
    assert_no_key("events", &format!("{events:?}"));
}
