//! A slow answer ends in `Error::Timeout` after the per-attempt timeout,
//! and an idempotent request that timed out is tried again.

use std::time::Duration;

use crate::common::*;
use incidentio::RetryPolicy;

#[tokio::test]
async fn a_slow_answer_times_out() {
    let server = server().await;
    server
        .mock_async(|when, then| {
            when.path("/v1/severities");
            then.status(200)
                .delay(Duration::from_secs(3))
                .body(SEVERITIES);
        })
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client.severities_v1_list().send().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.method_name(), Some("severities_v1_list"));
    assert!(error.to_string().contains("timed out"), "{error}");
}

#[tokio::test]
async fn a_timed_out_get_is_retried() {
    let server = server().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/v1/severities");
            then.status(200)
                .delay(Duration::from_secs(3))
                .body(SEVERITIES);
        })
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries().max_retries(1))
        .build()
        .unwrap();
    let error = client.severities_v1_list().send().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(mock.calls_async().await, 2);
}
