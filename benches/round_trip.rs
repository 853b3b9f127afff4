//! One GET round trip on 127.0.0.1 (`GET /v2/incidents/{id}`, the spec's
//! example incident, about 3.7 KB), through the client and by hand:
//!
//! - `client`: `incidents_v2_show().id(..).send()` on a client in its
//!   default configuration (auth, user agent, timeout, retry policy,
//!   tracing span, rate-limit capture), except that pacing's bucket is too
//!   large ever to empty (see `common::default_client`);
//! - `client_no_pacing_no_retries`, `client_no_pacing`,
//!   `client_no_retries`: the same with pacing, retries or both turned off,
//!   to attribute their share;
//! - `bare_reqwest`: the same request with reqwest (same TLS setup, a
//!   bearer header) and `serde_json::from_slice` into the same
//!   `IncidentsShowResultV2`: the floor the client adds to;
//! - `bare_reqwest_timeout`: `bare_reqwest` with the client's default
//!   per-request timeout (60 s), which arms a tokio timer on every request;
//! - `bare_reqwest_httpmock`: `bare_reqwest` against httpmock instead of
//!   the bench's own server, to show what the server choice costs.
//!
//! Criterion reports each variant's per-request time. After it, a
//! percentile pass sends requests of every variant in turn (interleaved, so
//! the machine's load drifts over all of them alike) and prints p50, p90
//! and p99 of single requests with each variant's ratio to `bare_reqwest`.

mod common;

use std::time::{Duration, Instant};

use criterion::Criterion;
use incidentio::types::IncidentsShowResultV2;

const INCIDENT_ID: &str = "01FDAG4SAP5TYPT98WGR2N7W91";

/// Requests per variant in the percentile pass (bench mode).
const PERCENTILE_REQUESTS: usize = 20_000;

/// The variants, each a way to fetch and decode the incident.
struct Fixture {
    client: incidentio::Client,
    lean_client: incidentio::Client,
    no_pacing_client: incidentio::Client,
    no_retries_client: incidentio::Client,
    http: reqwest::Client,
    bare_url: String,
    httpmock_url: String,
    // Kept alive for the bench's duration.
    _httpmock: httpmock::MockServer,
}

impl Fixture {
    fn new() -> Self {
        let mut incident = common::example_incident();
        incident["id"] = serde_json::Value::from(INCIDENT_ID);
        let body = serde_json::to_vec(&serde_json::json!({ "incident": incident }))
            .expect("serialise the response body");
        eprintln!("round_trip: response body {} bytes", body.len());

        let server = common::fixed_body_server(body.clone());
        let httpmock = httpmock::MockServer::start();
        httpmock.mock(|when, then| {
            when.method(httpmock::Method::GET)
                .path(format!("/v2/incidents/{INCIDENT_ID}"));
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        });

        let base = server.base_url();
        let configured = |pacing: bool, retries: bool| {
            let mut builder = incidentio::Client::builder()
                .api_key("bench-key")
                .base_url(&base)
                .pacing(incidentio::Pacing::new(u32::MAX, 1e12));
            if !pacing {
                builder = builder.pacing(incidentio::Pacing::disabled());
            }
            if !retries {
                builder = builder.retry_policy(incidentio::RetryPolicy::disabled());
            }
            builder.build().expect("build the client")
        };
        Fixture {
            client: common::default_client(&base),
            lean_client: configured(false, false),
            no_pacing_client: configured(false, true),
            no_retries_client: configured(true, false),
            http: common::bare_http_client(),
            bare_url: format!("{base}/v2/incidents/{INCIDENT_ID}"),
            httpmock_url: httpmock.url(format!("/v2/incidents/{INCIDENT_ID}")),
            _httpmock: httpmock,
        }
    }

    async fn client(&self, client: &incidentio::Client) -> IncidentsShowResultV2 {
        client
            .incidents_v2_show()
            .id(INCIDENT_ID)
            .send()
            .await
            .expect("the client's request succeeds")
            .into_inner()
    }

    async fn bare(&self, url: &str, timeout: bool) -> IncidentsShowResultV2 {
        let mut request = self.http.get(url).bearer_auth("bench-key");
        if timeout {
            request = request.timeout(incidentio::DEFAULT_TIMEOUT);
        }
        let response = request.send().await.expect("the bare request succeeds");
        assert!(
            response.status().is_success(),
            "status {}",
            response.status()
        );
        let body = response.bytes().await.expect("read the body");
        serde_json::from_slice(&body).expect("the body decodes")
    }

    async fn run(&self, variant: Variant) -> IncidentsShowResultV2 {
        match variant {
            Variant::Client => self.client(&self.client).await,
            Variant::LeanClient => self.client(&self.lean_client).await,
            Variant::NoPacing => self.client(&self.no_pacing_client).await,
            Variant::NoRetries => self.client(&self.no_retries_client).await,
            Variant::Bare => self.bare(&self.bare_url, false).await,
            Variant::BareTimeout => self.bare(&self.bare_url, true).await,
            Variant::BareHttpmock => self.bare(&self.httpmock_url, false).await,
        }
    }
}

#[derive(Clone, Copy)]
enum Variant {
    Client,
    LeanClient,
    NoPacing,
    NoRetries,
    Bare,
    BareTimeout,
    BareHttpmock,
}

const VARIANTS: [(Variant, &str); 7] = [
    (Variant::Client, "client"),
    (Variant::LeanClient, "client_no_pacing_no_retries"),
    (Variant::NoPacing, "client_no_pacing"),
    (Variant::NoRetries, "client_no_retries"),
    (Variant::Bare, "bare_reqwest"),
    (Variant::BareTimeout, "bare_reqwest_timeout"),
    (Variant::BareHttpmock, "bare_reqwest_httpmock"),
];

fn round_trip(c: &mut Criterion, rt: &tokio::runtime::Runtime, fixture: &Fixture) {
    let mut group = c.benchmark_group("round_trip");
    for (variant, name) in VARIANTS {
        group.bench_function(name, |b| {
            b.to_async(rt).iter(|| fixture.run(variant));
        });
    }
    group.finish();
}

/// Single-request latencies, interleaved across variants; prints
/// percentiles and ratios to `bare_reqwest`.
fn percentiles(rt: &tokio::runtime::Runtime, fixture: &Fixture, requests: usize) {
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(requests); VARIANTS.len()];
    rt.block_on(async {
        // Warm every connection pool and code path first.
        for _ in 0..requests.min(500) {
            for (variant, _) in VARIANTS {
                fixture.run(variant).await;
            }
        }
        // Each round starts with the next variant, so that none always runs
        // right after the same neighbour (caches, scheduler wake-ups).
        for round in 0..requests {
            for k in 0..VARIANTS.len() {
                let i = (round + k) % VARIANTS.len();
                let started = Instant::now();
                std::hint::black_box(fixture.run(VARIANTS[i].0).await);
                samples[i].push(started.elapsed());
            }
        }
    });
    let at = |sorted: &[Duration], q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
    let table: Vec<[Duration; 3]> = samples
        .iter_mut()
        .map(|s| {
            s.sort_unstable();
            [at(s, 0.50), at(s, 0.90), at(s, 0.99)]
        })
        .collect();
    let bare = table[VARIANTS
        .iter()
        .position(|(v, _)| matches!(v, Variant::Bare))
        .expect("bare_reqwest is a variant")];
    println!("\nround_trip percentiles, {requests} interleaved requests per variant");
    println!(
        "{:<30} {:>9} {:>9} {:>9}   ratio to bare_reqwest p50 / p90 / p99",
        "variant", "p50 µs", "p90 µs", "p99 µs"
    );
    for ((_, name), row) in VARIANTS.iter().zip(&table) {
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        let ratio = |i: usize| row[i].as_secs_f64() / bare[i].as_secs_f64();
        println!(
            "{name:<30} {:>9.1} {:>9.1} {:>9.1}   {:.3} / {:.3} / {:.3}",
            us(row[0]),
            us(row[1]),
            us(row[2]),
            ratio(0),
            ratio(1),
            ratio(2)
        );
    }
}

fn main() {
    let rt = common::runtime();
    let fixture = Fixture::new();
    let mut criterion = Criterion::default().configure_from_args();
    round_trip(&mut criterion, &rt, &fixture);
    criterion.final_summary();
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and
    // then a few requests prove the pass works without timing anything.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    percentiles(
        &rt,
        &fixture,
        if bench_mode { PERCENTILE_REQUESTS } else { 20 },
    );
}
