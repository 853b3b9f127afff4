//! Every request carries `Authorization: Bearer <key>` and the crate's
//! user agent, also through a caller-supplied `reqwest::Client` and on
//! retries.

use crate::common::*;
use httpmock::prelude::*;

const UA: &str = concat!("incidentio-rust/", env!("CARGO_PKG_VERSION"));

#[tokio::test]
async fn bearer_key_and_user_agent_are_sent() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v1/severities")
                .header("authorization", format!("Bearer {KEY}"))
                .header("user-agent", UA);
            reply_json(then, 200, SEVERITIES);
        })
        .await;
    let result = client(&server).severities_v1_list().send().await;
    assert!(result.is_ok(), "{result:?}");
    mock.assert_async().await;
}

#[tokio::test]
async fn app_name_comes_before_the_crate_token() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.header("user-agent", format!("on-call-report/2.1 {UA}"));
            then.status(200).body(SEVERITIES);
        })
        .await;
    let client = builder(&server)
        .app_name("on-call-report/2.1")
        .build()
        .unwrap();
    client.severities_v1_list().send().await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn a_caller_supplied_http_client_still_authenticates() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.header("authorization", format!("Bearer {KEY}"))
                .header("user-agent", UA);
            then.status(200).body(SEVERITIES);
        })
        .await;
    let http = incidentio::http_client_builder().unwrap().build().unwrap();
    let client = builder(&server).http_client(http).build().unwrap();
    client.severities_v1_list().send().await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn retries_carry_the_key_too() {
    let server = server().await;
    let (responder, calls) = sequence(vec![
        httpmock::HttpMockResponse::builder().status(503).build(),
        json(200, SEVERITIES),
    ]);
    let authenticated = server
        .mock_async(|when, then| {
            when.header("authorization", format!("Bearer {KEY}"));
            then.respond_with(responder);
        })
        .await;
    let unauthenticated = server
        .mock_async(|when, then| {
            when.header_missing("authorization");
            then.status(401).body(AUTH_401);
        })
        .await;
    client(&server).severities_v1_list().send().await.unwrap();
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert_eq!(authenticated.calls_async().await, 2);
    assert_eq!(unauthenticated.calls_async().await, 0);
}
