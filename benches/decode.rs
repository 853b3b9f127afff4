//! Decoding a page of 1000 incidents (the spec's example incident with
//! distinct ids, about 3.7 MB of compact JSON) three ways on the same bytes
//! in the same run:
//!
//! - `typed`: into `incidentio::types::IncidentsListResultV2` with
//!   `serde_json::from_slice`, exactly what every `send()` does with a
//!   response body;
//! - `value`: into `serde_json::Value`;
//! - `ignored_any`: into `serde::de::IgnoredAny`, which parses and validates
//!   the JSON and builds nothing: the floor any decoder pays;
//! - `typed_path_tracking`: the typed decode through `serde_path_to_error`,
//!   as clients that report the JSON path of a failure on every call do
//!   (this crate pays it only after a decode has failed).
//!
//! Tolerant enums are priced two ways. `enum_values` decodes 100,000 enum
//! values into `Tolerant<IncidentV2Mode>` and into the strict
//! `IncidentV2Mode`, side by side in one run. For the whole page, the
//! crate can be generated with strict enums (`INCIDENTIO_STRICT_ENUMS=1`,
//! read by build.rs); `typed` of the two builds is then compared through
//! criterion's saved baselines (see benches/README.md).
//!
//! Dropping the decoded value is not timed: `iter_batched` drops it after
//! the clock stops.

mod common;

use criterion::{BatchSize, Criterion, Throughput};
use incidentio::Tolerant;
use incidentio::types::{IncidentV2Mode, IncidentsListResultV2};
use serde::de::IgnoredAny;
use std::hint::black_box;

/// Incidents in the decoded page.
const PAGE_ITEMS: u64 = 1000;
/// Enum values in the `enum_values` input.
const ENUM_VALUES: usize = 100_000;

fn decode_page(c: &mut Criterion) {
    let template = common::Template::from_spec();
    let page = template.page(
        0,
        PAGE_ITEMS,
        Some(&common::incident_id(PAGE_ITEMS - 1)),
        5000,
    );
    // The input must be what it claims: a page the typed decode accepts,
    // with every incident present.
    let decoded: IncidentsListResultV2 =
        serde_json::from_slice(&page).expect("the bench page decodes as IncidentsListResultV2");
    assert_eq!(decoded.incidents.len() as u64, PAGE_ITEMS);
    drop(decoded);
    eprintln!(
        "decode: page of {PAGE_ITEMS} incidents, {} bytes ({} per incident)",
        page.len(),
        template.item_len()
    );

    let mut group = c.benchmark_group("decode_page_1000");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("typed", |b| {
        b.iter_batched(
            || (),
            |()| serde_json::from_slice::<IncidentsListResultV2>(black_box(&page)),
            BatchSize::PerIteration,
        );
    });
    group.bench_function("value", |b| {
        b.iter_batched(
            || (),
            |()| serde_json::from_slice::<serde_json::Value>(black_box(&page)),
            BatchSize::PerIteration,
        );
    });
    group.bench_function("ignored_any", |b| {
        b.iter_batched(
            || (),
            |()| serde_json::from_slice::<IgnoredAny>(black_box(&page)),
            BatchSize::PerIteration,
        );
    });
    group.bench_function("typed_path_tracking", |b| {
        b.iter_batched(
            || (),
            |()| {
                let mut de = serde_json::Deserializer::from_slice(black_box(&page));
                serde_path_to_error::deserialize::<_, IncidentsListResultV2>(&mut de)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn decode_enum_values(c: &mut Criterion) {
    let names = ["standard", "retrospective", "test", "tutorial"];
    let values: Vec<&str> = names.iter().copied().cycle().take(ENUM_VALUES).collect();
    let input = serde_json::to_vec(&values).expect("serialise the enum values");

    let mut group = c.benchmark_group("enum_values_100k");
    group.throughput(Throughput::Elements(ENUM_VALUES as u64));
    group.bench_function("tolerant", |b| {
        b.iter_batched(
            || (),
            |()| {
                serde_json::from_slice::<Vec<Tolerant<IncidentV2Mode>>>(black_box(&input))
                    .expect("known values decode")
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("strict", |b| {
        b.iter_batched(
            || (),
            |()| {
                serde_json::from_slice::<Vec<IncidentV2Mode>>(black_box(&input))
                    .expect("known values decode")
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("string", |b| {
        b.iter_batched(
            || (),
            |()| serde_json::from_slice::<Vec<String>>(black_box(&input)).expect("strings decode"),
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

// A plain `main` rather than `criterion_group!`/`criterion_main!`: the
// macros generate an undocumented `pub fn`, which the crate's
// `missing_docs` lint rejects.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    decode_page(&mut criterion);
    decode_enum_values(&mut criterion);
    criterion.final_summary();
}
