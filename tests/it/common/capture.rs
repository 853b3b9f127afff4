//! A subscriber that records every span and event, for tests that check
//! what the client traces.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::NoSubscriber;
use tracing::{Dispatch, Event, Metadata, Subscriber};

/// The fields of one span or event, as text.
pub type Fields = BTreeMap<String, String>;

/// A subscriber that records every span and event, at every level; clones
/// share the record.
#[derive(Clone, Default)]
pub struct Capture(pub Arc<Recorded>);

/// What a [`Capture`] saw, in order.
#[derive(Default)]
pub struct Recorded {
    pub spans: Mutex<Vec<(String, Fields)>>,
    pub events: Mutex<Vec<Fields>>,
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
pub fn register_a_second_dispatcher() {
    static INERT: OnceLock<Dispatch> = OnceLock::new();
    INERT.get_or_init(|| Dispatch::new(NoSubscriber::default()));
}
