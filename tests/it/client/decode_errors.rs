//! A success body that does not match its type: `Error::Decode` with the
//! JSON path and the body, `send_json` reading it untyped, and a body that
//! is not UTF-8.

use crate::common::*;
use httpmock::prelude::*;
use incidentio::Error;

#[tokio::test]
async fn a_body_missing_a_required_field_gives_decode_with_path_and_body_and_send_json_reads_it() {
    let server = server().await;
    // `severities[0]` lacks the required `name` (and the rest).
    let body = r#"{"severities":[{"id":"01FCNDV6P870EA6S7TK1DSYDG0","extra":42}]}"#;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            reply_json(then, 200, body);
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
