//! The mock answers like the API where a client would notice: a missing or
//! malformed `Authorization` gets the 401 envelope, an unknown path the 404
//! envelope, a body that is not JSON the 422 envelope; each decodes through
//! the client's error type. Requests the client can make go through it (a
//! raw request where no operation fits); a missing `Authorization` and a
//! body that is not JSON, which the client never sends, go through plain
//! reqwest, and their bodies are decoded as the client decodes an error
//! body: into [`ErrorEnvelope`].

use http::StatusCode;
use incidentio::Method;
use incidentio::error::{ErrorEnvelope, ErrorType};
use incidentio::mock::{MOCK_API_KEY, MockApi};

/// The status of a response the client cannot send, and its body decoded
/// as the client decodes an error body.
async fn envelope_of(response: reqwest::Response) -> (StatusCode, ErrorEnvelope) {
    let status = response.status();
    let body = response.bytes().await.unwrap();
    let envelope = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("not the envelope ({e}): {}", String::from_utf8_lossy(&body)));
    (status, envelope)
}

fn first_code(error: &incidentio::Error) -> &str {
    &error.api_error().unwrap().envelope.as_ref().unwrap().errors[0].code
}

fn http() -> reqwest::Client {
    incidentio::http_client_builder().unwrap().build().unwrap()
}

#[tokio::test]
async fn missing_or_malformed_authorization_gets_the_401_envelope() {
    let mock = MockApi::start().await;
    let url = format!("{}/v1/severities", mock.base_url());

    let missing = http().get(&url).send().await.unwrap();
    assert_eq!(
        missing.headers()["content-type"],
        "application/json",
        "an envelope is JSON"
    );
    let (status, envelope) = envelope_of(missing).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(envelope.kind.known(), Some(&ErrorType::AuthenticationError));
    assert_eq!(envelope.status, Some(401));
    assert_eq!(envelope.errors[0].code, "missing_authorization_material");
    assert_eq!(
        envelope.errors[0].message,
        "No authorization material provided in request"
    );
    assert!(envelope.request_id.is_some());

    // The client's own `authorization` header replaces the key.
    let client = mock.client().unwrap();
    for malformed in [
        "Bearer",
        "Bearer ",
        "Basic abc",
        "bearer two words",
        "mock-api-key",
    ] {
        let error = client
            .request(Method::GET, "/v1/severities")
            .header("authorization", malformed)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error.status(),
            Some(StatusCode::UNAUTHORIZED),
            "{malformed:?}"
        );
        assert_eq!(first_code(&error), "invalid_authorization_material");
    }
    assert_eq!(mock.on("severities_v1_list").unwrap().calls(), 0);

    // Through the generated client: the heartbeat ping sends the caller's
    // own `authorization` header instead of the key.
    let error = client
        .heartbeat_v2_ping()
        .alert_source_config_id("hb")
        .authorization("Basic abc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(error.method_name(), Some("heartbeat_v2_ping"));
    assert_eq!(first_code(&error), "invalid_authorization_material");
    assert!(!error.to_string().contains(MOCK_API_KEY));
}

#[tokio::test]
async fn an_unknown_path_gets_the_404_envelope() {
    let mock = MockApi::start().await;
    let error = mock
        .client()
        .unwrap()
        .request(Method::GET, "/v2/no_such_thing")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
    assert_eq!(
        error
            .api_error()
            .unwrap()
            .envelope
            .as_ref()
            .unwrap()
            .kind
            .to_string(),
        "not_found"
    );
    assert!(error.request_id().is_some());

    // Through the generated client, pointed one directory too deep, and with
    // a method no operation has on a known path.
    let client = mock
        .client_builder()
        .base_url(format!("{}/api", mock.base_url()))
        .build()
        .unwrap();
    let error = client.severities_v1_list().send().await.unwrap_err();
    assert!(error.is_not_found(), "{error}");
    assert!(error.to_string().starts_with("404 not_found"), "{error}");
    let response = http()
        .patch(format!("{}/v1/severities", mock.base_url()))
        .bearer_auth(MOCK_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(mock.on("severities_v1_list").unwrap().calls(), 0);
}

#[tokio::test]
async fn a_body_that_is_not_json_gets_the_422_envelope() {
    let mock = MockApi::start().await;
    for body in ["{not json", "{\"name\": 1", "plain text"] {
        let response = http()
            .post(format!("{}/v2/incidents", mock.base_url()))
            .bearer_auth(MOCK_API_KEY)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, envelope) = envelope_of(response).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(envelope.kind.known(), Some(&ErrorType::ValidationError));
        assert_eq!(envelope.errors[0].code, "invalid_json");
    }
    let create = mock.on("incidents_v2_create").unwrap();
    assert_eq!(
        create.calls(),
        3,
        "rejected requests still reached the route"
    );
    assert_eq!(create.last_request().unwrap().body, "plain text");

    // Valid JSON, and an empty body where none is needed, are accepted.
    let ok = http()
        .post(format!("{}/v2/incidents", mock.base_url()))
        .bearer_auth(MOCK_API_KEY)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(ok.status().is_success(), "{}", ok.status());
    let ping = http()
        .post(format!("{}/v2/heartbeat/hb/ping", mock.base_url()))
        .bearer_auth(MOCK_API_KEY)
        .send()
        .await
        .unwrap();
    assert!(ping.status().is_success(), "{}", ping.status());
}
