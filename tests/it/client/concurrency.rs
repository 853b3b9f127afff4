//! 64 tasks share one client (and so one pacer and one rate-limit reading)
//! and make 10,000 calls, half GET and half POST, to a loopback server that
//! answers about 15% of attempts with 429 and 10% with 503, and sends
//! rate-limit headers that keep the pacer correcting itself.
//!
//! Every call is accounted for: it succeeds, or fails with `Error::Api`
//! whose status is the one the server last sent for that call; nothing
//! deadlocks (the run is bounded by a generous timeout); no call is
//! attempted more than the retry policy allows; and no POST is sent again
//! after the server may have acted on it (a 2xx or a 503). A POST refused
//! with 429 was not acted on, and may be retried.

use crate::common::{raw_http, typed};

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use incidentio::{Client, Error, Pacing, RetryPolicy};
use raw_http::{RawServer, Received, Reply};

const TASKS: usize = 64;
const CALLS: usize = 10_000;
const MAX_RETRIES: u32 = 3;

/// What the server knows about one call (by its marker).
#[derive(Default)]
struct Call {
    attempts: u32,
    /// The status of the last response sent.
    last_status: u16,
    /// A POST that got a response the server may have acted on.
    acted_on: bool,
}

#[derive(Default)]
struct Ledger {
    calls: Mutex<HashMap<String, Call>>,
    received: AtomicUsize,
    injected_429: AtomicUsize,
    injected_503: AtomicUsize,
    /// POSTs that arrived again after being acted on.
    resent_posts: Mutex<Vec<String>>,
}

/// A deterministic roll in 0..1000 for this attempt of this call.
fn roll(marker: &str, attempt: u32) -> u64 {
    let mut hasher = DefaultHasher::new();
    (marker, attempt).hash(&mut hasher);
    hasher.finish() % 1000
}

fn severity(id: &str) -> String {
    format!(
        r#"{{"severity":{{"created_at":"2021-08-17T13:28:57.801578Z","description":"d","id":"{id}","name":"{id}","rank":1,"updated_at":"2021-08-17T13:28:57.801578Z"}}}}"#
    )
}

fn answer(ledger: &Ledger, request: Received) -> Reply {
    ledger.received.fetch_add(1, Ordering::Relaxed);
    let is_post = request.method == "POST";
    let marker = if is_post {
        serde_json::from_slice::<serde_json::Value>(&request.body)
            .ok()
            .and_then(|v| v["name"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "<no marker>".into())
    } else {
        request
            .target
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    };

    let mut calls = ledger.calls.lock().unwrap();
    let call = calls.entry(marker.clone()).or_default();
    if is_post && call.acted_on {
        ledger.resent_posts.lock().unwrap().push(marker.clone());
    }
    call.attempts += 1;
    let roll = roll(&marker, call.attempts);
    let (status, retry_after, body) = if roll < 150 {
        ledger.injected_429.fetch_add(1, Ordering::Relaxed);
        // Mostly "retry now"; one 429 in fifty asks for a second.
        let wait = if roll < 3 { "1" } else { "0" };
        let body = r#"{"type":"too_many_requests","status":429,"errors":[]}"#.to_owned();
        (429, Some(wait), body)
    } else if roll < 250 {
        ledger.injected_503.fetch_add(1, Ordering::Relaxed);
        (503, None, String::new())
    } else {
        (if is_post { 201 } else { 200 }, None, severity(&marker))
    };
    call.last_status = status;
    call.acted_on |= is_post && status != 429;
    drop(calls);

    let remaining = roll * 7 % 1000;
    let mut headers = vec![
        ("content-type".to_owned(), "application/json".to_owned()),
        (
            "x-ratelimit-limit".to_owned(),
            "100000, 100000;window=1".to_owned(),
        ),
        ("x-ratelimit-remaining".to_owned(), remaining.to_string()),
    ];
    if let Some(wait) = retry_after {
        headers.push(("retry-after".to_owned(), wait.to_owned()));
    }
    Reply::Full {
        status,
        headers,
        body: body.into_bytes(),
    }
}

/// How one call ended, as the client saw it.
#[derive(Debug)]
enum Seen {
    Ok,
    Status(u16),
    Other(String),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_tasks_share_a_client_through_429s_and_503s() {
    let ledger = Arc::new(Ledger::default());
    let serving = Arc::clone(&ledger);
    let server = RawServer::start("127.0.0.1", move |request| answer(&serving, request)).await;
    let client = Client::builder()
        .api_key("concurrency-key")
        .base_url(server.url())
        .retry_policy(
            RetryPolicy::default()
                .max_retries(MAX_RETRIES)
                .initial_backoff(Duration::from_millis(2))
                .max_wait(Duration::from_secs(2))
                .budget(Duration::from_secs(20)),
        )
        // Pacing on, shared by every task: a bucket the 10,000 calls empty,
        // refilling fast enough to keep the test short.
        .pacing(Pacing::new(500, 20_000.0))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let client = client.clone();
        tasks.spawn(async move {
            let mut seen = Vec::new();
            for call in (task..CALLS).step_by(TASKS) {
                let marker = format!("call-{call:05}");
                let result = if call % 2 == 0 {
                    client
                        .severities_v1_show()
                        .id(&marker)
                        .send()
                        .await
                        .map(drop)
                } else {
                    let body = serde_json::json!({
                        "name": marker, "description": "d", "rank": 1
                    });
                    client
                        .severities_v1_create()
                        .body(
                            typed::from_value::<incidentio::types::SeveritiesCreatePayloadV1>(
                                &body,
                            )
                            .unwrap(),
                        )
                        .send()
                        .await
                        .map(drop)
                };
                seen.push((
                    marker,
                    match result {
                        Ok(()) => Seen::Ok,
                        Err(Error::Api(api)) => Seen::Status(api.status.as_u16()),
                        Err(other) => Seen::Other(format!("{other:?}")),
                    },
                ));
            }
            seen
        });
    }
    let outcomes = tokio::time::timeout(Duration::from_secs(120), async {
        let mut all = Vec::new();
        while let Some(done) = tasks.join_next().await {
            all.extend(done.expect("a task panicked"));
        }
        all
    })
    .await
    .expect("the calls did not all finish within 120 s: deadlock or lost wake-up");
    let duration = started.elapsed();

    assert_eq!(outcomes.len(), CALLS, "every call returned");
    let calls = ledger.calls.lock().unwrap();
    assert_eq!(calls.len(), CALLS, "every call reached the server");
    let (mut ok, mut failed_429, mut failed_503) = (0, 0, 0);
    for (marker, seen) in &outcomes {
        let call = &calls[marker];
        assert!(
            call.attempts <= 1 + MAX_RETRIES,
            "{marker}: {} attempts",
            call.attempts
        );
        match seen {
            Seen::Ok => {
                assert!(matches!(call.last_status, 200 | 201), "{marker}: {seen:?}");
                ok += 1;
            }
            Seen::Status(status) => {
                assert_eq!(*status, call.last_status, "{marker}");
                match status {
                    429 => failed_429 += 1,
                    503 => failed_503 += 1,
                    _ => panic!("{marker}: unexpected status {status}"),
                }
            }
            Seen::Other(error) => panic!("{marker}: not a success nor an API error: {error}"),
        }
    }
    let resent = ledger.resent_posts.lock().unwrap();
    assert!(
        resent.is_empty(),
        "{} POSTs were sent again after the server acted on them, e.g. {:?}",
        resent.len(),
        &resent[..resent.len().min(5)]
    );

    let received = ledger.received.load(Ordering::Relaxed);
    eprintln!(
        "concurrency: {CALLS} calls by {TASKS} tasks in {duration:.2?}; {received} requests \
         received ({} retries); injected {} x 429 and {} x 503; outcomes: {ok} ok, \
         {failed_429} failed 429, {failed_503} failed 503 (POSTs are not retried after 503)",
        received - CALLS,
        ledger.injected_429.load(Ordering::Relaxed),
        ledger.injected_503.load(Ordering::Relaxed),
    );
    assert_eq!(ok + failed_429 + failed_503, CALLS);
    assert!(received > CALLS, "some calls were retried");
    assert!(
        failed_503 > 0,
        "some POSTs failed with 503 rather than being resent"
    );
}
