//! Verify incident.io webhook deliveries and decode them into typed events
//! (feature `webhooks`).
//!
//! incident.io delivers webhooks through Svix, signed as the
//! [Standard Webhooks](https://www.standardwebhooks.com/) scheme describes:
//! three headers, `webhook-id`, `webhook-timestamp` and `webhook-signature`
//! (space-separated `v1,<base64>` entries), the signature an HMAC-SHA256 of
//! `{id}.{timestamp}.{raw body}` keyed with the base64 key after the
//! `whsec_` prefix of the endpoint's signing secret. Anyone can POST to a
//! webhook URL, so a handler must check the signature before acting on the
//! body; [`Verifier`] does, and then decodes the body:
//!
//! - [`WebhookEvent`]: one variant per event type the spec's `x-webhooks`
//!   lists (`public_incident.incident_created_v2`, …), each carrying the
//!   body type generated from the same spec as the API client, plus
//!   `Unknown` for event types added since the build;
//! - [`AuditLogEntry`]: the same for audit-log entries, by `action` and
//!   `version`.
//!
//! ```no_run
//! use incidentio::webhooks::{Verifier, WebhookEvent};
//!
//! # fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<(), incidentio::webhooks::WebhookError> {
//! // Once, at startup: a malformed secret fails here.
//! let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//!
//! // Per request: the raw body bytes and the request's headers.
//! match verifier.verify_event(body, headers)? {
//!     WebhookEvent::PublicIncidentIncidentCreatedV2(incident) => {
//!         println!("{} opened: {}", incident.reference, incident.name);
//!     }
//!     other => println!("not handled: {}", other.event_type()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Testing a handler needs deliveries that verify: [`Verifier::sign`] and
//! [`Verifier::signed_headers`] make them. With the `axum` feature,
//! `webhooks::axum::VerifiedWebhook` is an extractor that verifies and
//! decodes.
//!
//! Verification is a little hand-written code over the `hmac-sha256` crate
//! rather than the `standardwebhooks` crate: that crate fixes the tolerance
//! at five minutes, reads the system clock directly, reports a malformed
//! signature header and a mismatch as the same error, and accepts an empty
//! secret.

mod audit;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod error;
mod events;
mod verify;

pub(crate) use audit::audit_log_entries;
pub(crate) use events::webhook_events;

pub use crate::generated::{AuditLogEntry, WebhookEvent};
pub use error::WebhookError;
pub use verify::{DEFAULT_TOLERANCE, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, Verifier};

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Parses a body as JSON into `T`, reporting the JSON path of a failure.
pub(crate) fn decode_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebhookError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(path_error)?;
    deserializer
        .end()
        .map_err(|e| WebhookError::decode(".", e.to_string()))?;
    Ok(value)
}

/// Converts parsed JSON into `T`, reporting the JSON path of a failure.
pub(crate) fn decode_value<T: DeserializeOwned>(body: Value) -> Result<T, WebhookError> {
    serde_path_to_error::deserialize(body).map_err(path_error)
}

/// Takes `body[field]` and converts it into `T`, reporting failures at
/// `field.<path>`: the payload of a webhook event.
pub(crate) fn decode_field<T: DeserializeOwned>(
    body: Value,
    field: &str,
) -> Result<T, WebhookError> {
    let payload = match body {
        Value::Object(mut map) => map.remove(field),
        _ => None,
    }
    .ok_or_else(|| WebhookError::decode(field, format!("missing the `{field}` payload")))?;
    serde_path_to_error::deserialize(payload).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." {
            field.to_owned()
        } else {
            format!("{field}.{path}")
        };
        WebhookError::decode(path, error.inner().to_string())
    })
}

fn path_error(error: serde_path_to_error::Error<serde_json::Error>) -> WebhookError {
    WebhookError::decode(error.path().to_string(), error.inner().to_string())
}

/// The message of an error raised inside a `Deserialize` impl, where the
/// outer deserialiser adds its own context: the path and what was wrong.
pub(crate) fn nested_message(error: WebhookError) -> String {
    match error {
        WebhookError::Decode { path, message } => format!("`{path}`: {message}"),
        other => other.to_string(),
    }
}

/// The string at `body[name]`: the discriminant of a delivery.
pub(crate) fn string_field(body: &Value, name: &str) -> Result<String, WebhookError> {
    match body.get(name) {
        Some(Value::String(value)) => Ok(value.clone()),
        Some(_) => Err(WebhookError::decode(name, "expected a string")),
        None if body.is_object() => Err(WebhookError::decode(name, "missing")),
        None => Err(WebhookError::decode(".", "expected a JSON object")),
    }
}

/// The integer at `body[name]`: an audit-log entry's `version`.
pub(crate) fn integer_field(body: &Value, name: &str) -> Result<i64, WebhookError> {
    match body.get(name) {
        Some(value) => value
            .as_i64()
            .ok_or_else(|| WebhookError::decode(name, "expected an integer")),
        None if body.is_object() => Err(WebhookError::decode(name, "missing")),
        None => Err(WebhookError::decode(".", "expected a JSON object")),
    }
}
