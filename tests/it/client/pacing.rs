//! Client-side pacing: against a server that answers 429 above its rate, a
//! burst of requests finishes without a 429 when pacing is on, and collects
//! 429s when it is off. The pacing is also corrected by the rate-limit
//! headers, including an endpoint's own lower limit.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::common::*;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, HttpMockResponse};
use incidentio::{Client, Pacing, RetryPolicy};

/// The server's side of the limit: a token bucket refilling continuously,
/// like incident.io's.
struct Bucket {
    burst: f64,
    per_second: f64,
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    fn new(burst: f64, per_second: f64) -> Self {
        Bucket {
            burst,
            per_second,
            tokens: burst,
            updated: Instant::now(),
        }
    }

    /// Takes a token if there is one; returns whether it did and what is
    /// left.
    fn take(&mut self) -> (bool, f64) {
        let now = Instant::now();
        let elapsed = now.duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            (true, self.tokens)
        } else {
            (false, self.tokens)
        }
    }
}

/// A rate-limited `GET /v1/severities`. With `advertise`, responses carry
/// `X-RateLimit-*` headers: `limit_header` and the bucket's remaining
/// tokens. Returns the server and the count of 429s it sent.
async fn limited_server(
    burst: f64,
    per_second: f64,
    limit_header: Option<&'static str>,
) -> (MockServer, Arc<AtomicUsize>) {
    let server = server().await;
    let bucket = Mutex::new(Bucket::new(burst, per_second));
    let refused = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&refused);
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.respond_with(move |_: &HttpMockRequest| {
                let (allowed, remaining) = bucket.lock().unwrap().take();
                let mut response = if allowed {
                    HttpMockResponse::builder()
                        .status(200)
                        .header("content-type", "application/json")
                        .body(SEVERITIES)
                } else {
                    count.fetch_add(1, Ordering::SeqCst);
                    HttpMockResponse::builder()
                        .status(429)
                        .header("retry-after", "1")
                        .header("content-type", "application/json")
                        .body(RATE_LIMITED_429)
                };
                if let Some(limit) = limit_header {
                    response = response.header("x-ratelimit-limit", limit).header(
                        "x-ratelimit-remaining",
                        (remaining.floor() as u64).to_string(),
                    );
                }
                response.build()
            });
        })
        .await;
    (server, refused)
}

fn client_with(server: &MockServer, pacing: Pacing) -> Client {
    builder(server)
        .pacing(pacing)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// Sends `n` requests at once from clones of `client`; returns how many
/// failed with a 429.
async fn burst(client: &Client, n: usize) -> usize {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.severities_v1_list().send().await })
        })
        .collect();
    let mut limited = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => {}
            Err(e) if e.is_rate_limited() => limited += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    limited
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paced_burst_gets_no_429() {
    // The server allows 5 at once and 40/s; the client paces at 5 and 25/s,
    // shared by all its clones.
    let (server, refused) = limited_server(5.0, 40.0, None).await;
    let client = client_with(&server, Pacing::new(5, 25.0));
    assert_eq!(burst(&client, 20).await, 0);
    assert_eq!(refused.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unpaced_burst_gets_429s() {
    let (server, refused) = limited_server(5.0, 40.0, None).await;
    let client = client_with(&server, Pacing::disabled());
    let limited = burst(&client, 20).await;
    assert!(limited > 0, "expected some 429s without pacing");
    assert_eq!(limited, refused.load(Ordering::SeqCst));
}

/// Sends `n` requests one after the other; returns how many got a 429.
async fn sequential(client: &Client, n: usize) -> usize {
    let mut limited = 0;
    for _ in 0..n {
        match client.severities_v1_list().send().await {
            Ok(_) => {}
            Err(e) if e.is_rate_limited() => limited += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    limited
}

#[tokio::test]
async fn headers_correct_the_default_pacing() {
    // The default pacing assumes 1200 at 20/s; this server's key allows 10
    // at 10/s (refilling a little faster than it says) and tells the client.
    let (server, refused) = limited_server(10.0, 12.0, Some("10, 10;window=1")).await;
    let client = client_with(&server, Pacing::default());
    assert_eq!(sequential(&client, 15).await, 0);
    assert_eq!(refused.load(Ordering::SeqCst), 0);

    // The same run without pacing is throttled: the headers were needed.
    let (server, refused) = limited_server(10.0, 12.0, Some("10, 10;window=1")).await;
    let client = client_with(&server, Pacing::disabled());
    assert!(sequential(&client, 15).await > 0);
    assert!(refused.load(Ordering::SeqCst) > 0);
}

#[tokio::test]
async fn an_endpoint_limit_gets_a_bucket_of_its_own() {
    // The key allows 100/s, but this endpoint only 5 at 5/s.
    let (server, refused) = limited_server(5.0, 6.0, Some("5, 100;window=1, 5;window=1")).await;
    let client = client_with(&server, Pacing::default());
    assert_eq!(sequential(&client, 9).await, 0);
    assert_eq!(refused.load(Ordering::SeqCst), 0);
}
