//! Walks every firing alert of the last week, page by page, as one stream.
//!
//! ```sh
//! cargo run --example paginate_alerts                          # the built-in mock
//! INCIDENT_IO_API_KEY=... cargo run --example paginate_alerts  # your account
//! ```
//!
//! `stream()` follows the `pagination_meta.after` cursor for you; the
//! filters set on the builder apply to every page, and when `page_size` is
//! not set it asks for the largest page the API allows (fewer requests
//! against the rate limit).

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use incidentio::filter::Filter;
use incidentio::mock::MockApi;

#[tokio::main]
async fn main() -> Result<(), incidentio::Error> {
    // The real API with INCIDENT_IO_API_KEY set, else the built-in mock.
    let (client, _mock) = MockApi::real_or_mock().await?;

    let since = chrono::Utc::now() - chrono::Duration::days(7);
    let mut alerts = client
        .alerts_v2_list()
        .status(Filter::one_of(["firing"]))
        .created_at(Filter::gte(since.format("%Y-%m-%d").to_string()))
        .paginate()
        // The next page is fetched while this one is being processed.
        .prefetch(true)
        .items();

    let mut by_source = BTreeMap::<String, usize>::new();
    let mut total = 0;
    while let Some(alert) = alerts.try_next().await? {
        println!(
            "  {} {} ({})",
            alert.created_at.format("%F %R"),
            alert.title,
            alert.status
        );
        *by_source.entry(alert.alert_source_id).or_default() += 1;
        total += 1;
    }
    println!("{total} firing alerts since {}:", since.format("%F"));
    for (source, count) in by_source {
        println!("  {count:>4} from alert source {source}");
    }
    Ok(())
}
