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
///
/// Every decode here reads text (`serde_json`'s `StrRead`), as the
/// client's `send()` does, and finds a failure's path from the position
/// it failed at (`crate::json_path`): each payload type's `Deserialize` is
/// then compiled for that one reader, the one the client's responses use,
/// instead of for parsed values and a path-tracking wrapper as well (which
/// made this module a fifth of the crate's generated machine code).
pub(crate) fn decode_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebhookError> {
    let text =
        crate::body::utf8_text(body).map_err(|message| WebhookError::decode(".", message))?;
    match decode_text(text) {
        Ok(value) => Ok(value),
        Err((path, error)) => Err(WebhookError::decode(path, error.to_string())),
    }
}

/// Converts parsed JSON into `T`, reporting the JSON path of a failure.
pub(crate) fn decode_value<T: DeserializeOwned>(body: Value) -> Result<T, WebhookError> {
    match decode_parsed(&body) {
        Ok(value) => Ok(value),
        Err((path, message)) => Err(WebhookError::decode(path, message)),
    }
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
    match decode_parsed(&payload) {
        Ok(value) => Ok(value),
        Err((path, message)) => Err(field_failure(field, path, message)),
    }
}

/// A payload's failure, its path under the body's `field`.
fn field_failure(field: &str, path: String, message: String) -> WebhookError {
    let path = if path == "." {
        field.to_owned()
    } else {
        format!("{field}.{path}")
    };
    WebhookError::decode(path, message)
}

/// `T` from JSON text, or the path and error of the failure. The failure
/// is handled by plain functions, not closures, so that no error handling
/// is compiled once per payload type.
fn decode_text<T: DeserializeOwned>(text: &str) -> Result<T, (String, serde_json::Error)> {
    match crate::body::read_whole(text, |de| T::deserialize(de)) {
        Ok(value) => Ok(value),
        Err(error) => Err(text_failure(text, error)),
    }
}

/// The path of a failure in `text`, beside the failure.
fn text_failure(text: &str, error: serde_json::Error) -> (String, serde_json::Error) {
    (crate::json_path::path_of(text, &error), error)
}

/// `T` from an already parsed value, through its text (see
/// [`decode_slice`]), or the path and message of the failure.
fn decode_parsed<T: DeserializeOwned>(value: &Value) -> Result<T, (String, String)> {
    let text = value.to_string();
    match decode_text(&text) {
        Ok(value) => Ok(value),
        Err(failure) => Err(parsed_failure(failure)),
    }
}

/// A failure's message without serde_json's line and column: they are
/// positions in a text the caller never saw.
fn parsed_failure((path, error): (String, serde_json::Error)) -> (String, String) {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let message = match message.strip_suffix(&position) {
        Some(message) => message.to_owned(),
        None => message,
    };
    (path, message)
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
