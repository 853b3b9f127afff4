//! Lists the ten most recent incidents, then shows the first with its
//! severity and status.
//!
//! ```sh
//! cargo run --example quickstart                            # the built-in mock
//! INCIDENT_IO_API_KEY=... cargo run --example quickstart    # your account
//! ```
//!
//! Without `INCIDENT_IO_API_KEY` it runs against `incidentio::mock`, an
//! in-process mock of the API that answers with the examples from
//! incident.io's own API reference, so it works on a fresh machine.

use incidentio::mock::MockApi;

#[tokio::main]
async fn main() -> Result<(), incidentio::Error> {
    // Kept alive until the end of `main`: the mock stops when dropped.
    // The real API with INCIDENT_IO_API_KEY set, else the built-in mock.
    let (client, _mock) = MockApi::real_or_mock().await?;

    let page = client.incidents_v2_list().page_size(10).send().await?;
    println!("{} most recent incidents:", page.incidents.len());
    for incident in &page.incidents {
        println!("  {:<10} {}", incident.reference, incident.name);
    }

    if let Some(first) = page.incidents.first() {
        let shown = client.incidents_v2_show().id(&first.id).send().await?;
        let incident = &shown.incident;
        let severity = incident
            .severity
            .as_ref()
            .map_or("none", |s| s.name.as_str());
        println!(
            "\n{}: {}\n  severity: {severity}\n  status:   {} ({})",
            incident.reference,
            incident.name,
            incident.incident_status.name,
            incident.incident_status.category,
        );
    }
    Ok(())
}
