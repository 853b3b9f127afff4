//! Decoding a page of 1000 incidents (the spec's example incident with
//! distinct ids, about 3.7 MB of compact JSON), on the same bytes in the
//! same run:
//!
//! - `send`: the real path, `client.incidents_v2_list().send()` against a
//!   loopback server answering with the page (read inside the retry loop,
//!   then `crate::body::decode`); this includes the HTTP round trip;
//! - `bare_reqwest_bytes`: the same request with a bare reqwest client and
//!   `bytes()`, no decode: the transport share of `send`;
//! - `send_decode`: the decode step `send()` uses, reproduced exactly (it
//!   is not public): the empty-body check, `std::str::from_utf8` once, then
//!   `serde_json::from_str`;
//! - `send_decode_on_text`: the same step on the buffer `typed_from_str`
//!   reads, which separates what the step costs from where its input
//!   lies (the `Bytes` buffer has measured a few percent slower to parse
//!   than the `String` one, whatever parses it);
//! - `typed_from_str`: `serde_json::from_str::<IncidentsListResultV2>` on
//!   text already validated: the baseline the ratios are taken against;
//! - `typed_from_slice`: `serde_json::from_slice::<IncidentsListResultV2>`,
//!   progenitor's decode (the old `send()` path), which validates UTF-8
//!   inside every string as it goes;
//! - `value`: into `serde_json::Value`;
//! - `ignored_any`: into `serde::de::IgnoredAny`, which parses and validates
//!   the JSON and builds nothing: the floor any decoder pays;
//! - `typed_path_tracking`: the typed decode through `serde_path_to_error`,
//!   as clients that report the JSON path of a failure on every call do
//!   (this crate pays it only after a decode has failed).
//!
//! After criterion, an interleaved pass (rounds of every page variant in a
//! rotating order) prints medians and ratios to `typed_from_str`, which
//! are steadier than criterion's separate runs on a loaded machine.
//!
//! Tolerant enums are priced two ways. `enum_values` decodes 100,000 enum
//! values into `Tolerant<IncidentV2Mode>` and into the strict
//! `IncidentV2Mode`, side by side in one run. For the whole page, the
//! crate can be generated with strict enums (`INCIDENTIO_STRICT_ENUMS=1`,
//! read by build.rs); `typed_from_slice` of the two builds is then compared through
//! criterion's saved baselines (see benches/README.md).
//!
//! Dropping the decoded value is not timed: `iter_batched` drops it after
//! the clock stops.

mod common;

use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput};
use incidentio::Tolerant;
use incidentio::types::{IncidentV2Mode, IncidentsListResultV2};
use serde::de::IgnoredAny;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Incidents in the decoded page.
const PAGE_ITEMS: u64 = 1000;
/// Enum values in the `enum_values` input.
const ENUM_VALUES: usize = 100_000;
/// Rounds of the interleaved pass (each runs every page variant once).
const INTERLEAVED_ROUNDS: usize = 40;

/// The decode step of the generated `send()` (`crate::body::decode`, not
/// public), reproduced on the success path: an all-whitespace body would
/// be `null`, otherwise UTF-8 is validated once and the text parsed.
fn send_decode(body: &[u8]) -> serde_json::Result<IncidentsListResultV2> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return serde_json::from_str("null");
    }
    let text = std::str::from_utf8(body).expect("the bench page is UTF-8");
    serde_json::from_str(text)
}

/// Everything the page variants need: the page three ways, the loopback
/// server's clients and the runtime they run on.
struct Fixture {
    page: Vec<u8>,
    text: String,
    bytes: Bytes,
    url: String,
    client: incidentio::Client,
    bare: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

impl Fixture {
    fn send(&self) -> IncidentsListResultV2 {
        self.rt
            .block_on(self.client.incidents_v2_list().send())
            .expect("send() decodes the page")
            .into_inner()
    }

    fn bare_bytes(&self) -> Bytes {
        self.rt.block_on(async {
            self.bare
                .get(&self.url)
                .bearer_auth("bench-key")
                .send()
                .await
                .expect("GET the page")
                .bytes()
                .await
                .expect("read the page")
        })
    }
}

/// The page variants timed both by criterion and by the interleaved pass.
#[derive(Clone, Copy)]
enum Variant {
    Send,
    BareBytes,
    SendDecode,
    SendDecodeOnText,
    FromStr,
    FromSlice,
    IgnoredAny,
}

const VARIANTS: [(Variant, &str); 7] = [
    (Variant::Send, "send"),
    (Variant::BareBytes, "bare_reqwest_bytes"),
    (Variant::SendDecode, "send_decode"),
    (Variant::SendDecodeOnText, "send_decode_on_text"),
    (Variant::FromStr, "typed_from_str"),
    (Variant::FromSlice, "typed_from_slice"),
    (Variant::IgnoredAny, "ignored_any"),
];

/// Runs one variant once and returns its output boxed, so that dropping it
/// can be left out of the time.
fn run(fixture: &Fixture, variant: Variant) -> Box<dyn std::any::Any> {
    match variant {
        Variant::Send => Box::new(fixture.send()),
        Variant::BareBytes => Box::new(fixture.bare_bytes()),
        Variant::SendDecode => Box::new(send_decode(black_box(&fixture.bytes))),
        Variant::SendDecodeOnText => Box::new(send_decode(black_box(fixture.text.as_bytes()))),
        Variant::FromStr => Box::new(serde_json::from_str::<IncidentsListResultV2>(black_box(
            &fixture.text,
        ))),
        Variant::FromSlice => Box::new(serde_json::from_slice::<IncidentsListResultV2>(black_box(
            &fixture.page,
        ))),
        Variant::IgnoredAny => Box::new(serde_json::from_slice::<IgnoredAny>(black_box(
            &fixture.page,
        ))),
    }
}

fn fixture() -> Fixture {
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
    let server = common::fixed_body_server(page.clone());
    let base = server.base_url();
    let fixture = Fixture {
        text: String::from_utf8(page.clone()).expect("the bench page is UTF-8"),
        bytes: Bytes::from(page.clone()),
        url: format!("{base}/v2/incidents"),
        client: common::default_client(&base),
        bare: common::bare_http_client(),
        rt: common::runtime(),
        page,
    };
    // And the real path must decode the same page whole.
    assert_eq!(fixture.send().incidents.len() as u64, PAGE_ITEMS);
    assert_eq!(fixture.bare_bytes().len(), fixture.page.len());
    fixture
}

fn decode_page(c: &mut Criterion, fixture: &Fixture) {
    let mut group = c.benchmark_group("decode_page_1000");
    group.throughput(Throughput::Bytes(fixture.page.len() as u64));
    for (variant, name) in VARIANTS {
        group.bench_function(name, |b| {
            b.iter_batched(|| (), |()| run(fixture, variant), BatchSize::PerIteration);
        });
    }
    group.bench_function("value", |b| {
        b.iter_batched(
            || (),
            |()| serde_json::from_slice::<serde_json::Value>(black_box(&fixture.page)),
            BatchSize::PerIteration,
        );
    });
    group.bench_function("typed_path_tracking", |b| {
        b.iter_batched(
            || (),
            |()| {
                let mut de = serde_json::Deserializer::from_slice(black_box(&fixture.page));
                serde_path_to_error::deserialize::<_, IncidentsListResultV2>(&mut de)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

/// Every page variant once per round, each round starting with the next
/// variant; prints the median of each and its ratio to `typed_from_str`.
fn interleaved(fixture: &Fixture, rounds: usize) {
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); VARIANTS.len()];
    for (variant, _) in VARIANTS {
        drop(run(fixture, variant));
    }
    for round in 0..rounds {
        for k in 0..VARIANTS.len() {
            let i = (round + k) % VARIANTS.len();
            let started = Instant::now();
            let output = run(fixture, VARIANTS[i].0);
            samples[i].push(started.elapsed());
            drop(output);
        }
    }
    let medians: Vec<Duration> = samples
        .iter_mut()
        .map(|s| {
            s.sort_unstable();
            s[s.len() / 2]
        })
        .collect();
    let baseline = medians[VARIANTS
        .iter()
        .position(|(v, _)| matches!(v, Variant::FromStr))
        .expect("typed_from_str is a variant")];
    println!("\ndecode_page_1000 interleaved, median of {rounds} rounds");
    println!(
        "{:<22} {:>10}   ratio to typed_from_str",
        "variant", "median ms"
    );
    for ((_, name), median) in VARIANTS.iter().zip(&medians) {
        println!(
            "{name:<22} {:>10.3}   {:.3}",
            median.as_secs_f64() * 1e3,
            median.as_secs_f64() / baseline.as_secs_f64()
        );
    }
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
    let fixture = fixture();
    let mut criterion = Criterion::default().configure_from_args();
    decode_page(&mut criterion, &fixture);
    decode_enum_values(&mut criterion);
    criterion.final_summary();
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and
    // then two rounds prove the pass works without timing anything.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    interleaved(&fixture, if bench_mode { INTERLEAVED_ROUNDS } else { 2 });
}
