//! Success bodies broken mid-read: a GET is retried, a POST that may have
//! reached the server fails once with `Error::Transport`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::raw_http;
use crate::common::*;
use incidentio::Error;
use raw_http::{After, RawServer, Received, Reply};

/// Answers the first request with a 200 whose body is cut off by a reset,
/// then with `good`; counts requests.
async fn cut_then_good(good: &'static str) -> (RawServer, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let server = RawServer::start("127.0.0.1", move |_: Received| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            let mut bytes =
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4096\r\n\r\n"
                    .to_vec();
            bytes.extend_from_slice(br#"{"severities":[{"id":"01F"#);
            Reply::Raw {
                bytes,
                then: After::Reset,
            }
        } else {
            raw_http::json(200, good)
        }
    })
    .await;
    (server, count)
}

#[tokio::test]
async fn a_get_whose_body_breaks_mid_read_is_retried() {
    let (server, count) = cut_then_good(SEVERITIES).await;
    let result = raw_client(&server).severities_v1_list().send().await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_post_whose_body_breaks_mid_read_fails_once_with_transport() {
    let (server, count) = cut_then_good(r#"{"severity":{}}"#).await;
    let body: incidentio::types::SeveritiesCreatePayloadV1 =
        serde_json::from_str(r#"{"name":"Minor","description":"Low impact","rank":1}"#).unwrap();
    let error = raw_client(&server)
        .severities_v1_create()
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}
