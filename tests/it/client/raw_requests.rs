//! Raw requests (`Client::request`) take the path generated operations
//! take: auth, user agent, retries by method, the error envelope, paths
//! kept under the base URL, and the key never shown.

use std::sync::atomic::Ordering;

use crate::common::*;
use httpmock::prelude::*;
use incidentio::{Error, Method};

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
    let calls = serve_in_turn(
        &server,
        POST,
        "/v9/limited",
        vec![
            httpmock::HttpMockResponse::builder()
                .status(429)
                .header("retry-after", "0")
                .body(RATE_LIMITED_429)
                .build(),
            json(200, "{}"),
        ],
    )
    .await;
    let calls_503 = serve_in_turn(
        &server,
        POST,
        "/v9/unavailable",
        vec![status(503), json(200, "{}")],
    )
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
    let calls = serve_in_turn(
        &server,
        GET,
        "/v9/flaky",
        vec![status(503), json(200, r#"{"ok":true}"#)],
    )
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
            reply_json(then, 422, VALIDATION_422);
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
            reply_json(then, 401, AUTH_401);
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
