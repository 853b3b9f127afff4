//! The library's own `stream()` over every page, for comparison with
//! `incidentio incidents-v2 list --all` (see `scripts/measure-all.sh`).
//!
//! `cargo run -p incidentio-cli --example stream_all -- BASE_URL`

use futures_util::StreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), incidentio::Error> {
    let base = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let client = incidentio::Client::builder()
        .api_key("measure")
        .base_url(base)
        .build()?;
    let mut items = client.incidents_v2_list().page_size(250).stream();
    let mut count = 0u64;
    while let Some(item) = items.next().await {
        let _incident = item?;
        count += 1;
    }
    println!("{count}");
    Ok(())
}
