//! `X-RateLimit-*` headers are parsed into a `RateLimit` on each response
//! and kept as the client's most recent reading; headers that do not parse
//! are ignored, never an error.

use std::time::{Duration, SystemTime};

use crate::common::*;
use httpmock::prelude::*;
use incidentio::{RateLimit, ResponseExt};

async fn serve(server: &MockServer, path: &str, headers: &[(&str, &str)]) {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    server
        .mock_async(|when, then| {
            when.path(path);
            let mut then = then.status(200).header("content-type", "application/json");
            for (name, value) in headers {
                then = then.header(name, value);
            }
            then.body(if path == "/v1/severities" {
                SEVERITIES
            } else {
                r#"{"incident_roles":[]}"#
            });
        })
        .await;
}

#[tokio::test]
async fn documented_headers_are_parsed() {
    let server = server().await;
    serve(
        &server,
        "/v1/severities",
        &[
            ("x-ratelimit-limit", "60, 1200;window=60, 60;window=60"),
            ("x-ratelimit-remaining", "59"),
            ("x-ratelimit-used", "1"),
            ("x-ratelimit-reset", "1785173199"),
        ],
    )
    .await;
    let client = client(&server);
    assert_eq!(client.rate_limit(), None, "nothing seen yet");

    let response = client.severities_v1_list().send().await.unwrap();
    let reading = response.rate_limit().expect("a reading");
    assert_eq!(reading.limit, Some(60));
    assert_eq!(reading.remaining, Some(59));
    assert_eq!(reading.used, Some(1));
    assert_eq!(
        reading.reset,
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_785_173_199))
    );
    let policies: Vec<(u64, Option<Duration>)> = reading
        .policies
        .iter()
        .map(|p| (p.limit, p.window))
        .collect();
    assert_eq!(
        policies,
        vec![
            (1200, Some(Duration::from_secs(60))),
            (60, Some(Duration::from_secs(60))),
        ]
    );
    assert_eq!(reading.policies[0].per_second(), Some(20.0));
    assert_eq!(reading.widest_policy().map(|p| p.limit), Some(1200));
    assert_eq!(
        RateLimit::from_headers(response.headers()).as_ref(),
        Some(&reading)
    );
    assert_eq!(client.rate_limit(), Some(reading));
}

#[tokio::test]
async fn the_most_recent_reading_is_shared_by_clones() {
    let server = server().await;
    serve(
        &server,
        "/v1/severities",
        &[("x-ratelimit-remaining", "10")],
    )
    .await;
    serve(
        &server,
        "/v2/incident_roles",
        &[("x-ratelimit-remaining", "9")],
    )
    .await;
    let client = client(&server);
    let clone = client.clone();
    clone.severities_v1_list().send().await.unwrap();
    assert_eq!(client.rate_limit().and_then(|r| r.remaining), Some(10));
    client.incident_roles_v2_list().send().await.unwrap();
    assert_eq!(clone.rate_limit().and_then(|r| r.remaining), Some(9));
}

#[tokio::test]
async fn unparseable_headers_are_ignored() {
    let server = server().await;
    serve(
        &server,
        "/v1/severities",
        &[
            ("x-ratelimit-limit", "lots;window=soon"),
            ("x-ratelimit-remaining", "-1"),
            ("x-ratelimit-used", "1.5"),
            ("x-ratelimit-reset", "tomorrow"),
        ],
    )
    .await;
    let client = client(&server);
    let response = client.severities_v1_list().send().await;
    let response = response.expect("bad headers must not fail the call");
    assert_eq!(response.rate_limit(), None);
    assert_eq!(client.rate_limit(), None);
}

#[tokio::test]
async fn partly_readable_headers_keep_what_parses() {
    let server = server().await;
    serve(
        &server,
        "/v1/severities",
        &[
            (
                "x-ratelimit-limit",
                "100, junk, 100;window=10;foo=bar, 5;window=x",
            ),
            ("x-ratelimit-remaining", " 42 "),
            ("x-ratelimit-reset", "never"),
        ],
    )
    .await;
    let response = client(&server).severities_v1_list().send().await.unwrap();
    let reading = response.rate_limit().unwrap();
    assert_eq!(reading.limit, Some(100));
    assert_eq!(reading.remaining, Some(42));
    assert_eq!(reading.reset, None);
    assert_eq!(reading.policies.len(), 1);
    assert_eq!(reading.policies[0].per_second(), Some(10.0));
}

#[tokio::test]
async fn no_headers_no_reading() {
    let server = server().await;
    serve(&server, "/v1/severities", &[]).await;
    let response = client(&server).severities_v1_list().send().await.unwrap();
    assert_eq!(response.rate_limit(), None);
}
