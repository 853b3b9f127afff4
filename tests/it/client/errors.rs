//! Error responses become typed errors: the documented envelope decodes with
//! its accessors, and bodies that are not the envelope still say what the
//! API (or the proxy in front of it) answered.

use std::time::Duration;

use crate::common::*;
use httpmock::prelude::*;
use incidentio::error::ErrorType;
use incidentio::{Error, RetryPolicy};
use reqwest::StatusCode;

/// Serves `status` with `body` on `GET /v1/severities` and returns the
/// error of one call, made without retries so each test sees one answer.
async fn error_for(status: u16, content_type: &str, body: &str) -> Error {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.status(status)
                .header("content-type", content_type)
                .body(body);
        })
        .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    client
        .severities_v1_list()
        .send()
        .await
        .expect_err("an error status must be an error")
}

#[tokio::test]
async fn documented_401_decodes() {
    let error = error_for(401, "application/json", AUTH_401).await;
    let api = error.api_error().expect("an API error");
    let envelope = api.envelope.as_ref().expect("the envelope decodes");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(envelope.kind.known(), Some(&ErrorType::AuthenticationError));
    assert_eq!(envelope.status, Some(401));
    assert_eq!(
        error.request_id(),
        Some("8e3cc412-b49d-4957-9073-2c19d2c61804")
    );
    assert_eq!(envelope.errors[0].code, "missing_authorization_material");
    assert!(!error.is_not_found() && !error.is_rate_limited() && !error.is_validation());
    assert_eq!(
        error.to_string(),
        "401 authentication_error: No authorization material provided in request \
         [request 8e3cc412-b49d-4957-9073-2c19d2c61804]"
    );
}

#[tokio::test]
async fn documented_422_reads_as_specified() {
    let error = error_for(422, "application/json", VALIDATION_422).await;
    assert_eq!(
        error.to_string(),
        "422 validation_error: A severity is required to open an incident (severity_id) \
         [request 631766c4-4afd-4803-997c-cd700928fa4b]"
    );
    assert!(error.is_validation());
    assert_eq!(error.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    let fields = error.field_errors();
    assert_eq!(
        fields.get("severity_id").map(Vec::as_slice),
        Some(&["A severity is required to open an incident".to_owned()][..])
    );
    assert_eq!(fields.len(), 1);
    let envelope = error.api_error().unwrap().envelope.as_ref().unwrap();
    assert_eq!(envelope.errors[0].code, "is_required");
}

#[tokio::test]
async fn validation_without_source_has_no_field_errors() {
    let body = r#"{"type":"validation_error","status":422,"request_id":"r-1",
        "errors":[{"code":"invalid_value","message":"The name is too long"},
                  {"code":"is_required","message":"A name is required","source":{"field":"name"}}]}"#;
    let error = error_for(422, "application/json", body).await;
    assert!(error.is_validation());
    assert_eq!(
        error.to_string(),
        "422 validation_error: The name is too long; A name is required (name) [request r-1]"
    );
    let fields = error.field_errors();
    assert_eq!(
        fields.len(),
        1,
        "only the error with a source names a field"
    );
    assert_eq!(fields["name"], vec!["A name is required".to_owned()]);
}

#[tokio::test]
async fn not_found_and_forbidden_with_types_this_crate_does_not_know() {
    let body = r#"{"type":"not_found","status":404,"request_id":"r-404",
        "errors":[{"code":"not_found","message":"Severity not found"}]}"#;
    let error = error_for(404, "application/json", body).await;
    assert!(error.is_not_found());
    let envelope = error.api_error().unwrap().envelope.as_ref().unwrap();
    assert_eq!(envelope.kind.unknown(), Some("not_found"));
    assert_eq!(
        error.to_string(),
        "404 not_found: Severity not found [request r-404]"
    );

    let body = r#"{"type":"authorization_error","status":403,"request_id":"r-403",
        "errors":[{"code":"missing_role","message":"This API key lacks the incident_editor role"}]}"#;
    let error = error_for(403, "application/json", body).await;
    assert_eq!(error.status(), Some(StatusCode::FORBIDDEN));
    assert!(!error.is_not_found());
    assert_eq!(error.request_id(), Some("r-403"));
}

#[tokio::test]
async fn documented_429_with_headers_and_body() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.status(429)
                .header("content-type", "application/json")
                .header("retry-after", "1")
                .header("x-ratelimit-limit", "1200, 1200;window=60")
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-used", "1200")
                .header("x-ratelimit-reset", "1785173199")
                .body(RATE_LIMITED_429);
        })
        .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client.severities_v1_list().send().await.unwrap_err();

    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(
        error.request_id(),
        Some("b839a403-7704-41c1-bf6a-39a2d68caefa")
    );
    let api = error.api_error().unwrap();
    let headers = api.rate_limit.as_ref().expect("rate-limit headers parsed");
    assert_eq!(headers.remaining, Some(0));
    assert_eq!(headers.used, Some(1200));
    let body = api.envelope.as_ref().unwrap().rate_limit.as_ref().unwrap();
    assert_eq!(body.name.as_deref(), Some("api_key_name"));
    assert_eq!(body.limit, Some(1200));
    assert_eq!(body.remaining, Some(0));
    assert_eq!(
        body.retry_after_time().map(|t| t.to_rfc3339()),
        Some("2025-04-17T11:17:18+00:00".to_owned())
    );
    assert!(
        error
            .to_string()
            .starts_with("429 too_many_requests: Too many requests hit the API too quickly.")
    );
}

#[tokio::test]
async fn retry_after_falls_back_to_the_body() {
    let at = chrono::Utc::now() + chrono::Duration::seconds(30);
    let body = RATE_LIMITED_429.replace(
        "2025-04-17T11:17:18Z",
        &at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    let error = error_for(429, "application/json", &body).await;
    let wait = error.retry_after().expect("retry_after from the body");
    assert!(
        wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
}

#[tokio::test]
async fn server_error_with_json() {
    let body = r#"{"type":"internal_error","status":500,"request_id":"r-500",
        "errors":[{"code":"internal_error","message":"Something went wrong"}]}"#;
    let error = error_for(500, "application/json", body).await;
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(error.request_id(), Some("r-500"));
    assert_eq!(
        error.to_string(),
        "500 internal_error: Something went wrong [request r-500]"
    );
}

#[tokio::test]
async fn html_502_keeps_status_and_start_of_body() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let error = error_for(502, "text/html", html).await;
    let api = error.api_error().expect("still an API error");
    assert_eq!(api.status, StatusCode::BAD_GATEWAY);
    assert!(api.envelope.is_none());
    assert_eq!(api.body, html);
    assert_eq!(error.request_id(), None);
    let text = error.to_string();
    assert!(
        text.starts_with("502 Bad Gateway: unexpected body: "),
        "{text}"
    );
    assert!(text.contains("<title>502 Bad Gateway</title>"), "{text}");
}

#[tokio::test]
async fn empty_503() {
    let error = error_for(503, "text/plain", "").await;
    let api = error.api_error().unwrap();
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(api.envelope.is_none());
    assert_eq!(api.body, "");
    assert_eq!(error.to_string(), "503 Service Unavailable (empty body)");
}

#[tokio::test]
async fn truncated_json_keeps_the_raw_bytes() {
    let truncated = r#"{"type":"validation_error","status":422,"request_id":"r-"#;
    let error = error_for(422, "application/json", truncated).await;
    let api = error.api_error().unwrap();
    assert!(api.envelope.is_none());
    assert_eq!(api.body, truncated);
    assert!(error.is_validation(), "the status still says validation");
}

#[tokio::test]
async fn long_raw_bodies_are_cut() {
    let long = "x".repeat(10_000);
    let error = error_for(500, "text/plain", &long).await;
    let api = error.api_error().unwrap();
    assert!(api.body.len() <= 512, "{}", api.body.len());
    assert!(error.to_string().len() < 400);
}

#[tokio::test]
async fn envelope_keeps_unknown_fields() {
    let body = r#"{"type":"validation_error","status":422,"request_id":"r-2",
        "documentation_url":"https://api-docs.incident.io/",
        "errors":[{"code":"is_required","message":"Required","hint":"set it",
                   "source":{"field":"name","pointer":"/name"}}]}"#;
    let error = error_for(422, "application/json", body).await;
    let envelope = error.api_error().unwrap().envelope.as_ref().unwrap();
    assert_eq!(
        envelope.extra["documentation_url"],
        "https://api-docs.incident.io/"
    );
    assert_eq!(envelope.errors[0].extra["hint"], "set it");
    assert_eq!(
        envelope.errors[0].source.as_ref().unwrap().extra["pointer"],
        "/name"
    );
}

#[tokio::test]
async fn undecodable_success_body_names_the_json_path() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            reply_json(then, 200, r#"{"severities":[{"id":42,"name":"Minor"}]}"#);
        })
        .await;
    let error = client(&server)
        .severities_v1_list()
        .send()
        .await
        .unwrap_err();
    match &error {
        Error::Decode {
            method_name,
            path,
            message,
            ..
        } => {
            assert_eq!(*method_name, "severities_v1_list");
            assert_eq!(path, "severities[0].id");
            assert!(message.contains("invalid type"), "{message}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(error.to_string().contains("severities[0].id"), "{error}");
}

#[tokio::test]
async fn missing_required_parameter_is_an_invalid_argument() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let error = client(&server)
        .severities_v1_show()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error:?}");
    assert!(error.to_string().contains("id"), "{error}");
    assert_eq!(mock.calls_async().await, 0, "nothing is sent");
}
