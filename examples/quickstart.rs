//! Lists the ten most recent incidents, then shows the first with its
//! severity and status.
//!
//! ```sh
//! INCIDENT_IO_API_KEY=... cargo run --example quickstart
//! ```

use incidentio::Client;

#[tokio::main]
async fn main() -> Result<(), incidentio::Error> {
    if std::env::var_os(incidentio::API_KEY_ENV).is_none() {
        println!(
            "{} is not set: set it to an incident.io API key to list your incidents",
            incidentio::API_KEY_ENV
        );
        return Ok(());
    }
    let client = Client::from_env()?;

    let page = client.incidents_v2_list().page_size(10).send().await?;
    println!("{} most recent incidents:", page.incidents.len());
    for incident in &page.incidents {
        println!("  {:<10} {}", incident.reference, incident.name);
    }

    if let Some(first) = page.incidents.first() {
        let shown = client.incidents_v2_show().id(&first.id).send().await?;
        let incident = &shown.incident;
        let severity = incident.severity.as_ref().map_or("none", |s| s.name.as_str());
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
