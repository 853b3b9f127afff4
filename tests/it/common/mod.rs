//! Shared helpers: here, for the client behaviour tests, an httpmock server
//! on 127.0.0.1, a client pointed at it, and scripted responses; in the
//! submodules, a raw loopback server, fuzz campaigns and the spec.

pub mod capture;
pub mod fuzz;
pub mod raw_http;
pub mod reading;
pub mod spec;
pub mod typed;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use incidentio::{Client, ClientBuilder, RetryPolicy};

/// A key distinctive enough that finding it in any output is proof of a leak.
pub const KEY: &str = "sk_live_TEST_9f8e7d6c5b4a39281706_SECRET";

/// A body `severities_v1_list` decodes.
pub const SEVERITIES: &str = r#"{"severities":[]}"#;

/// The documented 422 body (API reference, "Errors").
pub const VALIDATION_422: &str = r#"{
  "type": "validation_error",
  "status": 422,
  "request_id": "631766c4-4afd-4803-997c-cd700928fa4b",
  "errors": [
    {
      "code": "is_required",
      "message": "A severity is required to open an incident",
      "source": {
        "field": "severity_id"
      }
    }
  ]
}"#;

/// The documented 401 body.
pub const AUTH_401: &str = r#"{
  "type": "authentication_error",
  "status": 401,
  "request_id": "8e3cc412-b49d-4957-9073-2c19d2c61804",
  "errors": [
    {
      "code": "missing_authorization_material",
      "message": "No authorization material provided in request"
    }
  ]
}"#;

/// The documented 429 body.
pub const RATE_LIMITED_429: &str = r#"{
    "type": "too_many_requests",
    "status": 429,
    "request_id": "b839a403-7704-41c1-bf6a-39a2d68caefa",
    "rate_limit": {
        "name": "api_key_name",
        "limit": 1200,
        "remaining": 0,
        "retry_after": "2025-04-17T11:17:18Z"
    },
    "errors": [
        {
            "code": "too_many_requests",
            "message": "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests."
        }
    ]
}"#;

/// A mock server; httpmock binds it to 127.0.0.1.
pub async fn server() -> MockServer {
    let server = MockServer::start_async().await;
    assert!(
        server.base_url().starts_with("http://127.0.0.1:"),
        "tests must only talk to loopback: {}",
        server.base_url()
    );
    server
}

/// A builder for a client of `server`, with retries that wait milliseconds
/// rather than seconds so the suite stays fast.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry_policy(fast_retries())
}

/// A client of `server` (see [`builder`]).
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client")
}

/// The default rules with short waits.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(10))
        .max_wait(Duration::from_secs(2))
        .budget(Duration::from_secs(5))
}

/// A response with a JSON body.
/// A client of `server` (a raw loopback server) with pacing off, fast
/// retries and a 5 s timeout.
pub fn raw_client(server: &raw_http::RawServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .pacing(incidentio::Pacing::disabled())
        .retry_policy(fast_retries())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// An httpmock answer of `code` with no body.
pub fn status(code: u16) -> HttpMockResponse {
    HttpMockResponse::builder().status(code).build()
}

/// An httpmock answer of `status` with `body` as JSON, for `respond_with`
/// and [`sequence`]; [`reply_json`] is the same for a `then` clause.
pub fn json(status: u16, body: &str) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .build()
}

/// Makes a mock's `then` clause answer `status` with `body` as JSON, as
/// the API does: the closure form of [`json`].
pub fn reply_json(then: httpmock::Then, status: u16, body: impl AsRef<[u8]>) -> httpmock::Then {
    then.status(status)
        .header("content-type", "application/json")
        .body(body)
}

/// Serves `responses` in order, then repeats the last; the counter says how
/// many requests arrived.
pub fn sequence(
    responses: Vec<HttpMockResponse>,
) -> (
    impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static,
    Arc<AtomicUsize>,
) {
    assert!(!responses.is_empty());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let responder = move |_: &HttpMockRequest| {
        let index = seen.fetch_add(1, Ordering::SeqCst);
        responses[index.min(responses.len() - 1)].clone()
    };
    (responder, count)
}

/// Mocks `method path` on `server` to answer `responses` in turn, then
/// the last again (see [`sequence`]); the counter says how many requests
/// arrived.
pub async fn serve_in_turn(
    server: &MockServer,
    method: httpmock::Method,
    path: &str,
    responses: Vec<HttpMockResponse>,
) -> Arc<AtomicUsize> {
    let (responder, count) = sequence(responses);
    server
        .mock_async(|when, then| {
            when.method(method).path(path);
            then.respond_with(responder);
        })
        .await;
    count
}

/// Asserts that `text` does not contain the key (nor its distinctive middle,
/// in case of truncation).
pub fn assert_no_key(what: &str, text: &str) {
    assert!(
        !text.contains(KEY) && !text.contains("9f8e7d6c5b4a39281706"),
        "{what} leaks the API key: {text}"
    );
}
