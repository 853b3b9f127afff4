//! Each HTTP attempt runs in an `incidentio.request` span with the
//! operation id, method, path template, attempt, status and request id, and
//! nothing traced contains the API key.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use crate::common::*;
use httpmock::HttpMockResponse;
use httpmock::prelude::*;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::NoSubscriber;
use tracing::{Dispatch, Event, Metadata, Subscriber};

/// The fields of one span or event, as text.
type Fields = BTreeMap<String, String>;

/// A subscriber that records every span and event, at every level; clones
/// share the record.
#[derive(Clone, Default)]
struct Capture(Arc<Recorded>);

#[derive(Default)]
struct Recorded {
    spans: Mutex<Vec<(String, Fields)>>,
    events: Mutex<Vec<Fields>>,
}

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = Fields::new();
        attributes.record(&mut Visitor(&mut fields));
        let mut spans = self.0.spans.lock().unwrap();
        spans.push((attributes.metadata().name().to_owned(), fields));
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.0.spans.lock().unwrap();
        let index = span.into_u64() as usize - 1;
        values.record(&mut Visitor(&mut spans[index].1));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut Visitor(&mut fields));
        self.0.events.lock().unwrap().push(fields);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Keeps a second, inert dispatcher registered for the rest of the process,
/// so that a capture installed after it sees every callsite.
///
/// With only one dispatcher registered, tracing-core computes a callsite's
/// interest from the default dispatcher of the thread that reaches the
/// callsite first (tokio-rs/tracing#3611): a test on another thread, with no
/// subscriber, would then cache `never` for the client's span while the
/// capture is installed, and the capture would see nothing. With two, a
/// callsite's interest comes from the registered dispatchers, under a lock
/// that orders it against the capture's registration. The inert dispatcher
/// is never anyone's default and enables nothing.
fn register_a_second_dispatcher() {
    static INERT: OnceLock<Dispatch> = OnceLock::new();
    INERT.get_or_init(|| Dispatch::new(NoSubscriber::default()));
}

#[tokio::test]
async fn each_attempt_has_a_span_with_its_details() {
    register_a_second_dispatcher();
    let server = server().await;
    let (responder, _) = sequence(vec![
        HttpMockResponse::builder()
            .status(429)
            .header("retry-after", "0")
            .header("content-type", "application/json")
            .body(RATE_LIMITED_429)
            .build(),
        HttpMockResponse::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("x-request-id", "req-200")
            .body(SEVERITIES)
            .build(),
    ]);
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v1/severities");
            then.respond_with(responder);
        })
        .await;
    let client = client(&server);

    let capture = Capture::default();
    let guard = tracing::subscriber::set_default(capture.clone());
    client.severities_v1_list().send().await.unwrap();
    // An error path too, so its events are checked for the key.
    let _ = client.severities_v1_show().send().await;
    drop(guard);

    let spans = capture.0.spans.lock().unwrap();
    let requests: Vec<&Fields> = spans
        .iter()
        .filter(|(name, _)| name == "incidentio.request")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(requests.len(), 2, "one span per attempt: {spans:?}");
    for (index, fields) in requests.iter().enumerate() {
        assert_eq!(fields["operation"], "Severities V1#List");
        assert_eq!(fields["method"], "GET");
        assert_eq!(fields["path"], "/v1/severities");
        assert_eq!(fields["attempt"], (index + 1).to_string());
    }
    assert_eq!(requests[0]["status"], "429");
    assert_eq!(
        requests[0]["request_id"],
        "b839a403-7704-41c1-bf6a-39a2d68caefa"
    );
    assert_eq!(requests[1]["status"], "200");
    assert_eq!(requests[1]["request_id"], "req-200");

    let events = capture.0.events.lock().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.get("message").is_some_and(|m| m.contains("retrying"))),
        "the retry is logged: {events:?}"
    );
    assert_no_key("spans", &format!("{spans:?}"));
    assert_no_key("events", &format!("{events:?}"));
}
