//! Typed decode of the same pages by this crate and by the official
//! `incident-io` crate, in one process (see `run.sh` and benches/README.md).
//!
//! Pages: the spec's example list results with their one item repeated
//! (distinct ids): incidents (`IncidentsListResultV2`), alerts
//! (`AlertsListResultV2`) and catalog entries (`CatalogListEntriesResultV3`),
//! plus the incidents page with every object's keys in another stable
//! order than the spec's (the examples, and so the other pages, have their
//! keys in alphabetical order, which is also the order of the generated
//! structs' fields: a lookup that guesses from that order must not be
//! measured only where it guesses right).
//!
//! Variants on every page: `ours` (`serde_json::from_str` into this crate's
//! type), `official` (the same into the official crate's type), `floor`
//! (`serde::de::IgnoredAny`: parses and validates, builds nothing) and
//! `official_call` (the official crate's own decode on every call, through
//! `serde_path_to_error`). Rounds run every variant of every page once, in
//! an order rotated by one each round; medians are printed with ratios to
//! `official` and to `floor` of the same page. Dropping a decoded value is
//! not timed.
//!
//! `decode-vs-official profile PAGE VARIANT N` decodes one page N times
//! with one variant and nothing else, for a profiler.

use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Items in every page.
const ITEMS: usize = 1000;

/// A page: its name, the text, and how each variant decodes it.
struct Page {
    name: &'static str,
    text: String,
    ours: fn(&str) -> Box<dyn std::any::Any>,
    official: fn(&str) -> Box<dyn std::any::Any>,
    official_call: fn(&str) -> Box<dyn std::any::Any>,
}

const VARIANTS: [&str; 4] = ["ours", "official", "floor", "official_call"];

impl Page {
    fn run(&self, variant: &str) -> Box<dyn std::any::Any> {
        let text = black_box(self.text.as_str());
        match variant {
            "ours" => (self.ours)(text),
            "official" => (self.official)(text),
            "floor" => Box::new(serde_json::from_str::<IgnoredAny>(text).expect("JSON")),
            "official_call" => (self.official_call)(text),
            other => panic!("no variant {other}; one of {VARIANTS:?}"),
        }
    }
}

fn typed<T: DeserializeOwned + 'static>(text: &str) -> Box<dyn std::any::Any> {
    Box::new(serde_json::from_str::<T>(text).expect("the page decodes"))
}

/// The official crate's decode of a JSON body (`serde_path_to_error` over
/// `Deserializer::from_str`, as its generated API functions do).
fn path_tracked<T: DeserializeOwned + 'static>(text: &str) -> Box<dyn std::any::Any> {
    let mut de = serde_json::Deserializer::from_str(text);
    Box::new(serde_path_to_error::deserialize::<_, T>(&mut de).expect("the page decodes"))
}

fn page<Ours, Official>(
    name: &'static str,
    text: String,
    count: impl Fn(&Ours) -> usize,
    official_count: impl Fn(&Official) -> usize,
) -> Page
where
    Ours: DeserializeOwned + 'static,
    Official: DeserializeOwned + 'static,
{
    // Both crates must take the whole page before anything is timed.
    let ours: Ours = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{name}: this crate's type rejects the page: {e}"));
    assert_eq!(count(&ours), ITEMS, "{name}: this crate's item count");
    let official: Official = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{name}: the official crate's type rejects the page: {e}"));
    assert_eq!(
        official_count(&official),
        ITEMS,
        "{name}: the official item count"
    );
    Page {
        name,
        text,
        ours: typed::<Ours>,
        official: typed::<Official>,
        official_call: path_tracked::<Official>,
    }
}

/// The example of list result `schema`, its first item of `items` with the
/// fields of `extra` added, repeated `ITEMS` times with ids `{prefix}` and
/// 21 digits (26 characters, as the API's ULIDs).
fn example_page(spec: &Value, schema: &str, items: &str, prefix: &str, extra: Value) -> Value {
    let mut example = spec
        .pointer(&format!("/components/schemas/{schema}/example"))
        .unwrap_or_else(|| panic!("the spec has an example for {schema}"))
        .clone();
    let mut item = example[items][0].clone();
    if let Value::Object(extra) = extra {
        item.as_object_mut()
            .expect("an item is an object")
            .extend(extra);
    }
    example[items] = (0..ITEMS)
        .map(|n| {
            let mut item = item.clone();
            item["id"] = Value::from(format!("{prefix}{n:021}"));
            item
        })
        .collect();
    example
}

/// `value` as compact JSON with every object's keys in one stable order
/// unrelated to the alphabet: sorted by a hash of the key.
fn write_hash_ordered(value: &Value, out: &mut String) {
    fn hash(key: &str) -> u64 {
        key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by_key(|(key, _)| hash(key));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                write_hash_ordered(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_hash_ordered(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn pages() -> Vec<Page> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../openapi/incident-io.json"
    );
    let spec: Value = serde_json::from_slice(&std::fs::read(path).expect("read the spec"))
        .expect("the spec is JSON");
    // The official crate was generated from a later spec, which requires
    // fields that this spec's examples lack: they are added (this crate
    // ignores them, as it ignores any key it does not know).
    let incidents = example_page(
        &spec,
        "IncidentsListResultV2",
        "incidents",
        "01INC",
        serde_json::json!({
            "last_activity_at": "2021-08-17T13:28:57.801578Z",
            "team_ids": ["01FCNDV6P870EA6S7TK1DSYDG0"],
        }),
    );
    let mut reordered = String::new();
    write_hash_ordered(&incidents, &mut reordered);
    let alerts = example_page(&spec, "AlertsListResultV2", "alerts", "01ALR", Value::Null);
    let mut entries = example_page(
        &spec,
        "CatalogListEntriesResultV3",
        "catalog_entries",
        "01CAT",
        serde_json::json!({ "custom_aliases": ["primary"] }),
    );
    entries["catalog_type"]["supports_custom_aliases"] = Value::Bool(true);
    vec![
        page::<incidentio::types::IncidentsListResultV2, incident_io::models::IncidentsListResultV2>(
            "incidents",
            incidents.to_string(),
            |p| p.incidents.len(),
            |p| p.incidents.len(),
        ),
        page::<incidentio::types::IncidentsListResultV2, incident_io::models::IncidentsListResultV2>(
            "incidents_reordered",
            reordered,
            |p| p.incidents.len(),
            |p| p.incidents.len(),
        ),
        page::<incidentio::types::AlertsListResultV2, incident_io::models::AlertsListResultV2>(
            "alerts",
            alerts.to_string(),
            |p| p.alerts.len(),
            |p| p.alerts.len(),
        ),
        page::<
            incidentio::types::CatalogListEntriesResultV3,
            incident_io::models::CatalogListEntriesResultV3,
        >(
            "catalog_entries",
            entries.to_string(),
            |p| p.catalog_entries.len(),
            |p| p.catalog_entries.len(),
        ),
    ]
}

fn median(samples: &mut [Duration]) -> f64 {
    samples.sort_unstable();
    samples[samples.len() / 2].as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pages = pages();
    if let [mode, page, variant, n] = args.as_slice()
        && mode == "profile"
    {
        let page = pages
            .iter()
            .find(|p| p.name == page)
            .unwrap_or_else(|| panic!("no page {page}"));
        for _ in 0..n.parse::<usize>().expect("N is a number") {
            drop(page.run(variant));
        }
        return;
    }
    let rounds: usize = args.first().map_or(60, |r| r.parse().expect("ROUNDS"));
    let runs: Vec<(usize, &str)> = (0..pages.len())
        .flat_map(|p| VARIANTS.map(|v| (p, v)))
        .collect();
    for &(p, v) in &runs {
        drop(pages[p].run(v));
    }
    let mut samples = vec![Vec::with_capacity(rounds); runs.len()];
    for round in 0..rounds {
        for k in 0..runs.len() {
            let i = (round + k) % runs.len();
            let (p, v) = runs[i];
            let started = Instant::now();
            let output = pages[p].run(v);
            samples[i].push(started.elapsed());
            drop(output);
        }
    }
    let medians: Vec<f64> = samples.iter_mut().map(|s| median(s)).collect();
    println!(
        "typed decode, this crate vs incident-io 2.41.0, median of {rounds} interleaved rounds"
    );
    println!(
        "{:<20} {:>9} {:<14} {:>10} {:>12} {:>9}",
        "page", "bytes", "variant", "median ms", "x official", "x floor"
    );
    for (p, page) in pages.iter().enumerate() {
        let of = |variant: &str| medians[runs.iter().position(|&r| r == (p, variant)).unwrap()];
        for variant in VARIANTS {
            println!(
                "{:<20} {:>9} {:<14} {:>10.3} {:>12.3} {:>9.2}",
                page.name,
                page.text.len(),
                variant,
                of(variant) * 1e3,
                of(variant) / of("official"),
                of(variant) / of("floor"),
            );
        }
    }
}
