//! Which creates the API de-duplicates on a key in their body, so that the
//! client may retry them like an idempotent request.
//!
//! The spec says it in prose ("If this key has already been used, the
//! existing incident will be returned"); its shape says it too: a `POST`
//! whose JSON body has a top-level `idempotency_key` (Incidents, Escalations,
//! Status Pages creates) or `deduplication_key` (Alert Events CreateHTTP:
//! "only one alert will be created"). Recognising the shape keeps the list in
//! step with the spec instead of by hand.

use serde_json::Value;

use super::{OperationRef, request_body, resolve};

/// The body properties that make a create safe to send twice.
pub const REPLAY_KEYS: [&str; 2] = ["idempotency_key", "deduplication_key"];

/// The body property the API de-duplicates `op` on: a `POST` whose JSON
/// request body has one of [`REPLAY_KEYS`] at its top level.
pub fn replay_key(spec: &Value, op: &OperationRef<'_>) -> Option<&'static str> {
    if !op.method.eq_ignore_ascii_case("post") {
        return None;
    }
    let body = request_body(spec, op.op)?;
    let properties = resolve(spec, body.schema).get("properties")?.as_object()?;
    REPLAY_KEYS
        .into_iter()
        .find(|key| properties.contains_key(*key))
}
