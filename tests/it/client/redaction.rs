//! The API key never appears in the Debug or Display of the client, the
//! builder, the key type, or any error a failing call produces.

use std::time::Duration;

use crate::common::*;
use incidentio::{ApiKey, Client, Error, RetryPolicy};

fn assert_error_clean(what: &str, error: &Error) {
    assert_no_key(&format!("{what} (Display)"), &error.to_string());
    assert_no_key(&format!("{what} (Debug)"), &format!("{error:?}"));
    assert_no_key(&format!("{what} (alternate Debug)"), &format!("{error:#?}"));
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        assert_no_key(&format!("{what} (source)"), &format!("{cause} {cause:?}"));
        source = cause.source();
    }
}

#[test]
fn key_type_prints_a_redaction() {
    let key = ApiKey::from(KEY);
    assert_eq!(format!("{key:?}"), "ApiKey(****)");
    assert_eq!(format!("{key:#?}"), "ApiKey(****)");
}

#[tokio::test]
async fn client_and_builder_never_show_the_key() {
    let server = server().await;
    let builder = builder(&server);
    assert_no_key("builder Debug", &format!("{builder:?} {builder:#?}"));
    let client = builder.build().unwrap();
    assert_no_key("client Debug", &format!("{client:?} {client:#?}"));
    assert_no_key("clone Debug", &format!("{:?}", client.clone()));

    // With a caller-supplied reqwest client too.
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .http_client(incidentio::http_client_builder().unwrap().build().unwrap())
        .build()
        .unwrap();
    assert_no_key("client Debug", &format!("{client:#?}"));
}

#[tokio::test]
async fn errors_from_failing_calls_never_show_the_key() {
    let server = server().await;
    for (path, status, body) in [
        ("/v1/severities", 401, AUTH_401),
        ("/v1/identity", 429, RATE_LIMITED_429),
        ("/v2/incident_roles", 502, "<html>bad gateway</html>"),
    ] {
        server
            .mock_async(|when, then| {
                when.path(path);
                then.status(status).body(body);
            })
            .await;
    }
    // A proxy that echoes the request headers into its error page.
    server
        .mock_async(|when, then| {
            when.path("/v1/actions");
            then.respond_with(|request: &httpmock::HttpMockRequest| {
                let echoed = format!("{:?}", request.headers_vec());
                httpmock::HttpMockResponse::builder()
                    .status(500)
                    .body(echoed)
                    .build()
            });
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v1/severities/slow");
            then.status(200)
                .delay(Duration::from_secs(2))
                .body(r#"{"severity":{}}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v1/incident_types");
            then.status(200).body(r#"{"incident_types":[{"id":1}]}"#);
        })
        .await;

    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let errors = vec![
        ("401", client.severities_v1_list().send().await.unwrap_err()),
        (
            "429",
            client.utilities_v1_identity().send().await.unwrap_err(),
        ),
        (
            "502",
            client.incident_roles_v2_list().send().await.unwrap_err(),
        ),
        ("echo", {
            #[allow(deprecated, reason = "any GET operation will do")]
            let result = client.actions_v1_list().send().await;
            result.unwrap_err()
        }),
        (
            "timeout",
            client
                .severities_v1_show()
                .id("slow")
                .send()
                .await
                .unwrap_err(),
        ),
        (
            "decode",
            client.incident_types_v1_list().send().await.unwrap_err(),
        ),
        (
            "invalid argument",
            client.severities_v1_show().send().await.unwrap_err(),
        ),
    ];
    assert!(errors[4].1.is_timeout(), "{:?}", errors[4].1);
    assert!(
        matches!(errors[5].1, Error::Decode { .. }),
        "{:?}",
        errors[5].1
    );
    let echoed = errors[3].1.api_error().unwrap();
    assert!(
        echoed.body.contains("Bearer ****"),
        "the echo should show the scrubbed header: {}",
        echoed.body
    );
    for (what, error) in &errors {
        assert_error_clean(what, error);
    }

    // Connection refused: a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
        .severities_v1_list()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Transport { .. }), "{refused:?}");
    assert_error_clean("transport", &refused);
}

#[test]
fn configuration_errors_never_show_the_key() {
    for key in [
        format!("{KEY} with spaces"),
        format!("{KEY}\u{e9}"),
        format!("{KEY}\nsecond line"),
    ] {
        let error = Client::builder().api_key(key).build().unwrap_err();
        assert!(matches!(error, Error::InvalidArgument(_)), "{error:?}");
        assert_error_clean("bad key", &error);
    }
    let error = Client::builder()
        .api_key(KEY)
        .base_url("http://example.com")
        .build()
        .unwrap_err();
    assert_error_clean("plain http", &error);
}
