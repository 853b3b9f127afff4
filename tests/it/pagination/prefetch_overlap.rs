//! Prefetch overlaps the next page's request with whatever the consumer
//! awaits (here a sleep per page, standing in for a database write), and
//! fetches nothing more once the stream is dropped.
//!
//! The assertions are about order, not speed: with prefetch, the server
//! receives the request for page k+1 before the consumer finishes its work
//! on page k; without it, only after. (The wall times are printed for
//! information only. Each page's work is long next to a request's trip
//! over loopback, so the order holds on a loaded machine.)

use crate::common::spec;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};

const PAGES: usize = 5;
const SERVER_DELAY: Duration = Duration::from_millis(80);
const WORK: Duration = Duration::from_millis(120);

#[derive(Debug, Clone, PartialEq)]
enum Event {
    /// The server received the request for page `n` (0-based).
    Requested(usize),
    /// The consumer finished its work on page `n`.
    Processed(usize),
}

fn page(n: usize) -> Value {
    let spec = spec::load();
    let mut incident =
        spec["components"]["schemas"]["IncidentsListResultV2"]["example"]["incidents"][0].clone();
    incident["id"] = json!(format!("inc-{n}"));
    let mut meta = json!({ "page_size": 1 });
    if n + 1 < PAGES {
        meta["after"] = json!(format!("cursor-{}", n + 1));
    }
    json!({ "incidents": [incident], "pagination_meta": meta })
}

/// Serves `PAGES` pages, each after `SERVER_DELAY`, logging each request.
async fn serve(server: &MockServer, log: &Arc<Mutex<Vec<Event>>>) {
    for n in 0..PAGES {
        let log = Arc::clone(log);
        let body = page(n).to_string();
        server
            .mock_async(move |when, then| {
                let when = when.method(GET).path("/v2/incidents");
                let when = if n == 0 {
                    when.query_param_missing("after")
                } else {
                    when.query_param("after", format!("cursor-{n}"))
                };
                when.is_true(move |_| {
                    log.lock().unwrap().push(Event::Requested(n));
                    true
                });
                then.status(200)
                    .header("content-type", "application/json")
                    .delay(SERVER_DELAY)
                    .body(body);
            })
            .await;
    }
}

/// Walks every page with `WORK` of awaited work per page; returns the
/// event log and the item ids.
async fn walk(prefetch: bool) -> (Vec<Event>, Vec<String>) {
    let server = MockServer::start_async().await;
    let log = Arc::new(Mutex::new(Vec::new()));
    serve(&server, &log).await;
    let client = crate::common::client(&server);
    let started = Instant::now();
    let mut pages = client
        .incidents_v2_list()
        .paginate()
        .prefetch(prefetch)
        .pages();
    let mut ids = Vec::new();
    let mut n = 0;
    while let Some(page) = pages.try_next().await.expect("page") {
        ids.extend(page.items.into_iter().map(|i| i.id));
        tokio::time::sleep(WORK).await;
        log.lock().unwrap().push(Event::Processed(n));
        n += 1;
    }
    eprintln!(
        "prefetch {prefetch}: {PAGES} pages in {:?}",
        started.elapsed()
    );
    let events = log.lock().unwrap().clone();
    (events, ids)
}

fn position(events: &[Event], event: &Event) -> usize {
    events
        .iter()
        .position(|e| e == event)
        .unwrap_or_else(|| panic!("{event:?} missing from {events:?}"))
}

#[tokio::test]
async fn with_prefetch_the_next_page_is_requested_while_the_consumer_works() {
    let (events, ids) = walk(true).await;
    let expected: Vec<String> = (0..PAGES).map(|n| format!("inc-{n}")).collect();
    assert_eq!(ids, expected);
    for n in 0..PAGES - 1 {
        assert!(
            position(&events, &Event::Requested(n + 1)) < position(&events, &Event::Processed(n)),
            "page {} was not requested during the work on page {n}: {events:?}",
            n + 1
        );
    }
}

#[tokio::test]
async fn without_prefetch_the_next_page_waits_for_the_consumer() {
    let (events, ids) = walk(false).await;
    assert_eq!(ids.len(), PAGES);
    for n in 0..PAGES - 1 {
        assert!(
            position(&events, &Event::Requested(n + 1)) > position(&events, &Event::Processed(n)),
            "page {} was requested before the work on page {n} ended: {events:?}",
            n + 1
        );
    }
}

#[tokio::test]
async fn a_dropped_prefetching_stream_fetches_nothing_more() {
    let server = MockServer::start_async().await;
    let log = Arc::new(Mutex::new(Vec::new()));
    serve(&server, &log).await;
    let client = crate::common::client(&server);
    let mut pages = client.incidents_v2_list().paginate().prefetch(true).pages();
    pages.try_next().await.expect("page").expect("first page");
    drop(pages);
    let at_drop = log.lock().unwrap().len();
    tokio::time::sleep(SERVER_DELAY * 3).await;
    let events = log.lock().unwrap().clone();
    // The first page and at most the one prefetched request; no later page.
    assert_eq!(events.len(), at_drop, "requests after the drop: {events:?}");
    assert!(at_drop <= 2, "{events:?}");
    assert!(!events.contains(&Event::Requested(2)), "{events:?}");
}
