//! Peak memory of a pagination walk: does it stay near one or two pages
//! whatever the total? Not a criterion bench (nothing is timed): a counting
//! global allocator records the peak of live heap bytes during each walk,
//! for 10,000 and 50,000 incidents in pages of 250.
//!
//! The loopback server runs in this process, so its allocations count
//! too; it writes each page straight from the template to the socket and
//! holds none in memory, so what the table shows is the client's. Each
//! walk runs on a fresh connection that one small request has already
//! opened, and the peak is taken above the live bytes just before the
//! walk. For scale, the table starts with one page's JSON and the live
//! bytes of that page decoded.

mod common;

use futures_util::TryStreamExt;
use peak_alloc::PeakAlloc;

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

const PAGE_SIZE: u64 = 250;

#[derive(Clone, Copy, Debug)]
enum Walk {
    Stream,
    StreamPrefetch,
    HandLoop,
}

async fn walk(client: &incidentio::Client, how: Walk) -> u64 {
    let list = || client.incidents_v2_list().page_size(PAGE_SIZE as i64);
    let items = match how {
        Walk::Stream => list().stream(),
        Walk::StreamPrefetch => list().paginate().prefetch(true).items(),
        Walk::HandLoop => {
            let mut seen = 0;
            let mut after: Option<String> = None;
            loop {
                let mut request = list();
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
    };
    items
        .try_fold(0, |seen, item| {
            std::hint::black_box(item);
            async move { Ok(seen + 1) }
        })
        .await
        .expect("the stream walks every page")
}

/// Peak live bytes above the level before the walk, and what is still
/// live after it (should be about nothing).
fn measure(rt: &tokio::runtime::Runtime, total: u64, how: Walk) -> (usize, isize) {
    let template = common::Template::from_spec();
    let server = common::incidents_server(template, total);
    let client = common::default_client(&server.base_url());
    rt.block_on(async {
        // Open the connection (and the server's thread) before measuring.
        client
            .incidents_v2_list()
            .page_size(1)
            .send()
            .await
            .expect("warm-up request");
        let before = ALLOCATOR.current_usage();
        ALLOCATOR.reset_peak_usage();
        let seen = walk(&client, how).await;
        assert_eq!(seen, total, "the walk must see every incident");
        let peak = ALLOCATOR.peak_usage() - before;
        let after = ALLOCATOR.current_usage() as isize - before as isize;
        (peak, after)
    })
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    // `cargo bench` passes `--bench`; under `cargo test --benches` a small
    // walk proves the bench runs.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let totals: &[u64] = if bench_mode {
        &[10_000, 50_000]
    } else {
        &[1_000]
    };
    let rt = common::runtime();

    let template = common::Template::from_spec();
    let json = template.page(0, PAGE_SIZE, Some(&common::incident_id(PAGE_SIZE - 1)), 0);
    let before = ALLOCATOR.current_usage();
    let decoded: incidentio::types::IncidentsListResultV2 =
        serde_json::from_slice(&json).expect("a page decodes");
    let decoded_bytes = ALLOCATOR.current_usage() - before;
    drop(decoded);
    let page = json.len() + decoded_bytes;

    println!("pagination memory, pages of {PAGE_SIZE} incidents");
    println!(
        "one page: JSON {:.2} MiB, decoded {:.2} MiB, together {:.2} MiB (\"a page\" below)",
        mib(json.len()),
        mib(decoded_bytes),
        mib(page)
    );
    println!(
        "{:<16} {:>8} {:>14} {:>10} {:>16}",
        "walk", "items", "peak MiB", "pages", "live after, B"
    );
    for &total in totals {
        for how in [Walk::Stream, Walk::StreamPrefetch, Walk::HandLoop] {
            let (peak, after) = measure(&rt, total, how);
            println!(
                "{:<16} {:>8} {:>14.2} {:>10.2} {:>16}",
                format!("{how:?}"),
                total,
                mib(peak),
                peak as f64 / page as f64,
                after
            );
        }
    }
}
