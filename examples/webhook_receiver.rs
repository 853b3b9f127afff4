//! Verifies webhook deliveries and dispatches them by event type.
//!
//! ```sh
//! cargo run --example webhook_receiver --features webhooks
//! ```
//!
//! A webhook URL is public: anyone can POST to it, so a handler checks the
//! signature before acting on a body. `receive` below is what a route
//! handler of any web framework calls with the raw body bytes and the
//! request's headers (with the `axum` feature,
//! `incidentio::webhooks::axum::VerifiedWebhook` is an extractor doing the
//! same). To stay self-contained this example signs a few deliveries
//! itself, as incident.io would, and feeds them to `receive`; the API calls
//! the handler makes go to the built-in mock unless `INCIDENT_IO_API_KEY`
//! is set.

use incidentio::Client;
use incidentio::mock::MockApi;
use incidentio::webhooks::{Verifier, WebhookError, WebhookEvent};

/// The signing secret of a webhook endpoint (dashboard → Settings →
/// Webhooks); this one is the Standard Webhooks test vector.
const DEMO_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The real API with INCIDENT_IO_API_KEY set, else the built-in mock.
    let (client, _mock) = MockApi::real_or_mock().await?;
    // Once, at startup: a malformed secret fails here, not per request.
    let secret = std::env::var("INCIDENT_IO_WEBHOOK_SECRET").unwrap_or(DEMO_SECRET.to_owned());
    let verifier = Verifier::new(&secret)?;

    // What incident.io would send: a private incident's delivery carries
    // only its id; an event type newer than this build; a forged body.
    let created = serde_json::json!({
        "event_type": "private_incident.incident_created_v2",
        "private_incident.incident_created_v2": { "id": "01FDAG4SAP5TYPT98WGR2N7W91" },
    })
    .to_string();
    let unknown = serde_json::json!({
        "event_type": "public_incident.something_new_v9",
        "public_incident.something_new_v9": { "id": "01FDAG4SAP5TYPT98WGR2N7W91" },
    })
    .to_string();
    let deliveries = [
        (
            "msg_1",
            created.clone(),
            verifier.signed_headers("msg_1", created.as_bytes())?,
        ),
        (
            "msg_2",
            unknown.clone(),
            verifier.signed_headers("msg_2", unknown.as_bytes())?,
        ),
        // Signed for one body, sent with another.
        (
            "msg_3",
            created.replace("01FDAG", "01XXXX"),
            verifier.signed_headers("msg_3", created.as_bytes())?,
        ),
    ];

    for (id, body, headers) in deliveries {
        match receive(&verifier, &client, &headers, body.as_bytes()).await {
            Ok(outcome) => println!("{id}: 200 {outcome}"),
            // Answer 400 and do nothing: the body cannot be trusted.
            Err(Rejected::Webhook(e)) if e.is_verification_failure() => {
                println!("{id}: 400 rejected: {e}")
            }
            Err(e) => println!("{id}: 500 {e}"),
        }
    }
    Ok(())
}

/// Why a delivery was not handled.
#[derive(Debug, thiserror::Error)]
enum Rejected {
    /// Not signed by incident.io, too old, or not a webhook body.
    #[error(transparent)]
    Webhook(#[from] WebhookError),
    /// Handling it needed the API, and the call failed: answering 5xx
    /// makes incident.io deliver it again later.
    #[error(transparent)]
    Api(#[from] incidentio::Error),
}

/// Verifies one delivery and acts on it.
async fn receive(
    verifier: &Verifier,
    client: &Client,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<String, Rejected> {
    Ok(match verifier.verify_event(body, headers)? {
        WebhookEvent::PublicIncidentIncidentCreatedV2(incident) => {
            format!("opened {}: {}", incident.reference, incident.name)
        }
        // Private incidents arrive as an id only: fetch the rest with a
        // key allowed to see private incidents.
        WebhookEvent::PrivateIncidentIncidentCreatedV2(resource) => {
            let id = resource.id;
            let shown = client.incidents_v2_show().id(&id).send().await?;
            format!(
                "opened private {}: {}",
                shown.incident.reference, shown.incident.name
            )
        }
        // Event types added after this build still decode: acknowledge
        // them, or incident.io keeps retrying.
        other if other.is_unknown() => format!("ignored new event type {}", other.event_type()),
        other => format!("not handled: {}", other.event_type()),
    })
}
