//! `-v`: the library's tracing spans and events, one line each on stderr.
//!
//! A small `tracing` subscriber instead of `tracing-subscriber`, whose
//! compile cost would be more than the rest of the CLI's. The library never
//! records the API key in a span, so nothing here can print it.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Installs the subscriber for the whole process.
pub fn install() {
    let _ = tracing::subscriber::set_global_default(Stderr::default());
}

/// Writes spans and events of the `incidentio` targets to stderr.
#[derive(Default)]
struct Stderr {
    next: AtomicU64,
    names: Mutex<HashMap<u64, &'static str>>,
}

/// Collects `name=value` pairs.
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value}");
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

impl Subscriber for Stderr {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("incidentio") && *metadata.level() <= Level::DEBUG
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let name = attributes.metadata().name();
        if let Ok(mut names) = self.names.lock() {
            names.insert(id, name);
        }
        let mut line = Line(format!("[{name}]"));
        attributes.record(&mut line);
        eprintln!("{}", line.0);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let name = self
            .names
            .lock()
            .ok()
            .and_then(|n| n.get(&span.into_u64()).copied())
            .unwrap_or("span");
        let mut line = Line(format!("[{name}]"));
        values.record(&mut line);
        eprintln!("{}", line.0);
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = Line(format!(
            "{} {}:",
            event.metadata().level(),
            event.metadata().target()
        ));
        event.record(&mut line);
        eprintln!("{}", line.0);
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}
