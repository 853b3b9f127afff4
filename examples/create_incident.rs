//! Declares an incident, safely retryable thanks to an idempotency key.
//!
//! ```sh
//! cargo run --example create_incident                          # the built-in mock
//! INCIDENT_IO_API_KEY=... cargo run --example create_incident  # your account (a test incident)
//! ```
//!
//! The idempotency key is what makes creating an incident safe to retry:
//! incident.io creates one incident per key, so a job that crashed after
//! sending, or a retry after a timeout, cannot open a duplicate. Derive it
//! from what the incident is about (here: a deploy id), not from a random
//! number drawn per attempt.

use incidentio::mock::MockApi;
use incidentio::types::{IncidentsCreatePayloadV2Mode, IncidentsCreatePayloadV2Visibility};

#[tokio::main]
async fn main() -> Result<(), incidentio::Error> {
    // The real API with INCIDENT_IO_API_KEY set, else the built-in mock.
    let (client, _mock) = MockApi::real_or_mock().await?;

    let deploy_id = "deploy-2024-12-02-4711";
    let created = client
        .incidents_v2_create()
        .body_map(|body| {
            body.idempotency_key(format!("rollback-failed-{deploy_id}"))
                .name(Some(format!("Rollback of {deploy_id} failed")))
                .summary(Some(
                    "Automatic rollback did not complete; checkout may be serving the \
                     broken build."
                        .to_owned(),
                ))
                .visibility(IncidentsCreatePayloadV2Visibility::Public)
                // A test incident: no one is paged, nothing is announced.
                .mode(Some(IncidentsCreatePayloadV2Mode::Test.into()))
        })
        .send()
        .await;

    match created {
        Ok(created) => {
            let incident = &created.incident;
            println!(
                "declared {} ({}): {}\n  {}",
                incident.reference,
                incident.id,
                incident.name,
                incident.permalink.as_deref().unwrap_or("")
            );
            Ok(())
        }
        // A rejected body names the fields at fault: map them onto a form,
        // or fix the call.
        Err(e) if e.is_validation() => {
            for (field, messages) in e.field_errors() {
                eprintln!("{field}: {}", messages.join("; "));
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}
