//! Walking 10,000 incidents in pages of 250 from a loopback server (the
//! spec's example incident with distinct ids, about 0.9 MB a page), four
//! ways on the same client, server and data:
//!
//! - `stream`: `incidents_v2_list().page_size(250).stream()`, item by item;
//! - `stream_prefetch`: `.paginate().prefetch(true).items()`;
//! - `pages`: `.pages()`, page by page;
//! - `hand_loop`: the loop a caller would write without the crate's
//!   pagination: `.after(cursor).page_size(250).send()` until the cursor
//!   runs out. The target is `stream` within 5% of it.
//!
//! Criterion measures each walk in turn; an interleaved pass after it
//! alternates them and prints medians and ratios, which the machine's
//! changing load cannot tilt. Each walk checks that it saw every incident, so a bench that stopped
//! early cannot look fast. Peak memory is measured by the separate
//! `pagination_memory` bench (it needs a counting allocator, which would
//! tax the timings here).

mod common;

use criterion::{Criterion, Throughput};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;

const TOTAL: u64 = 10_000;
const PAGE_SIZE: u64 = 250;

/// The walk a caller writes by hand with the single-page call; counts the
/// items it saw.
async fn hand_loop(client: &incidentio::Client, page_size: u64) -> u64 {
    let mut seen = 0;
    let mut after: Option<String> = None;
    loop {
        let mut request = client.incidents_v2_list().page_size(page_size as i64);
        if let Some(cursor) = after.take() {
            request = request.after(cursor);
        }
        let page = request.send().await.expect("page request").into_inner();
        for incident in page.incidents {
            std::hint::black_box(incident);
            seen += 1;
        }
        match page.pagination_meta.and_then(|meta| meta.after) {
            Some(cursor) if !cursor.is_empty() => after = Some(cursor),
            _ => return seen,
        }
    }
}

/// Drains an item stream, counting.
async fn drain<T>(stream: incidentio::pagination::ItemStream<'_, T>) -> u64 {
    stream
        .try_fold(0, |seen, item| {
            std::hint::black_box(item);
            async move { Ok(seen + 1) }
        })
        .await
        .expect("the stream walks every page")
}

fn pagination(c: &mut Criterion) {
    let rt = common::runtime();
    let server = common::incidents_server(common::Template::from_spec(), TOTAL);
    let client = common::default_client(&server.base_url());
    let page_bytes = common::Template::from_spec()
        .page(
            0,
            PAGE_SIZE,
            Some(&common::incident_id(PAGE_SIZE - 1)),
            TOTAL,
        )
        .len();
    eprintln!("pagination: {TOTAL} incidents in pages of {PAGE_SIZE}, {page_bytes} bytes a page");

    let check = |seen: u64| assert_eq!(seen, TOTAL, "the walk must see every incident");
    let mut group = c.benchmark_group("pagination_10k_by_250");
    group.throughput(Throughput::Elements(TOTAL));
    group.sample_size(10);
    group.bench_function("hand_loop", |b| {
        b.to_async(&rt)
            .iter(|| async { check(hand_loop(&client, PAGE_SIZE).await) });
    });
    group.bench_function("stream", |b| {
        b.to_async(&rt).iter(|| async {
            let stream = client
                .incidents_v2_list()
                .page_size(PAGE_SIZE as i64)
                .stream();
            check(drain(stream).await);
        });
    });
    group.bench_function("stream_prefetch", |b| {
        b.to_async(&rt).iter(|| async {
            let stream = client
                .incidents_v2_list()
                .page_size(PAGE_SIZE as i64)
                .paginate()
                .prefetch(true)
                .items();
            check(drain(stream).await);
        });
    });
    group.bench_function("pages", |b| {
        b.to_async(&rt).iter(|| async {
            let seen = client
                .incidents_v2_list()
                .page_size(PAGE_SIZE as i64)
                .pages()
                .try_fold(0, |seen, page| {
                    let n = page.items.len() as u64;
                    std::hint::black_box(page);
                    async move { Ok(seen + n) }
                })
                .await
                .expect("the page stream walks every page");
            check(seen);
        });
    });
    group.finish();
}

// A plain `main` rather than `criterion_group!`/`criterion_main!`: the
// macros generate an undocumented `pub fn`, which the crate's
// `missing_docs` lint rejects.
/// The walks of the interleaved pass, by name.
const WALKS: [&str; 4] = ["hand_loop", "stream", "stream_prefetch", "pages"];

async fn walk(client: &incidentio::Client, name: &str) -> u64 {
    let list = || client.incidents_v2_list().page_size(PAGE_SIZE as i64);
    match name {
        "hand_loop" => hand_loop(client, PAGE_SIZE).await,
        "stream" => drain(list().stream()).await,
        "stream_prefetch" => drain(list().paginate().prefetch(true).items()).await,
        _ => list()
            .pages()
            .try_fold(
                0,
                |seen, page| async move { Ok(seen + page.items.len() as u64) },
            )
            .await
            .expect("the page stream walks every page"),
    }
}

/// Criterion runs one walk's samples after the other's, so a change in the
/// machine's load between them shows up as a difference between walks.
/// This pass alternates the walks (rotating which goes first) and prints
/// each one's median with its ratio to `hand_loop`.
fn interleaved(rounds: usize) {
    let rt = common::runtime();
    let server = common::incidents_server(common::Template::from_spec(), TOTAL);
    let client = common::default_client(&server.base_url());
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); WALKS.len()];
    rt.block_on(async {
        for name in WALKS {
            walk(&client, name).await;
        }
        for round in 0..rounds {
            for k in 0..WALKS.len() {
                let i = (round + k) % WALKS.len();
                let started = Instant::now();
                let seen = walk(&client, WALKS[i]).await;
                times[i].push(started.elapsed());
                assert_eq!(seen, TOTAL, "the walk must see every incident");
            }
        }
    });
    let medians: Vec<Duration> = times
        .iter_mut()
        .map(|t| {
            t.sort_unstable();
            t[t.len() / 2]
        })
        .collect();
    println!("\npagination, {TOTAL} incidents by {PAGE_SIZE}, {rounds} interleaved rounds");
    println!(
        "{:<16} {:>10} {:>10} {:>10} {:>12}   ratio to hand_loop (time)",
        "walk", "min ms", "median ms", "max ms", "items/s"
    );
    for (i, name) in WALKS.iter().enumerate() {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{name:<16} {:>10.1} {:>10.1} {:>10.1} {:>12.0}   {:.3}",
            ms(times[i][0]),
            ms(medians[i]),
            ms(times[i][times[i].len() - 1]),
            TOTAL as f64 / medians[i].as_secs_f64(),
            medians[i].as_secs_f64() / medians[0].as_secs_f64()
        );
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    pagination(&mut criterion);
    criterion.final_summary();
    // `cargo bench` passes `--bench`; under `cargo test --benches` one
    // round proves the pass works.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    interleaved(if bench_mode { 15 } else { 1 });
}
