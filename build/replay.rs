//! Which creates the API de-duplicates on a key in their body, so that the
//! client may retry them like an idempotent request.
//!
//! The spec says it in prose ("If this key has already been used, the
//! existing incident will be returned"); its shape says it too: a `POST`
//! whose JSON body has a top-level `idempotency_key` (Incidents, Escalations,
//! Status Pages creates) or `deduplication_key` (Alert Events CreateHTTP:
//! "only one alert will be created"). Recognising the shape keeps the list in
//! step with the spec instead of by hand.

use std::collections::BTreeMap;

use serde_json::Value;

use super::pagination::resolve;

/// The body properties that make a create safe to send twice.
pub const REPLAY_KEYS: [&str; 2] = ["idempotency_key", "deduplication_key"];

/// `operationId → body property` for every `POST` whose JSON request body
/// has one of [`REPLAY_KEYS`] at its top level.
pub fn replay_safe_creates(spec: &Value) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let Some(paths) = spec["paths"].as_object() else {
        return found;
    };
    for (_, method, op) in super::transforms::operations(paths) {
        if !method.eq_ignore_ascii_case("post") {
            continue;
        }
        let schema = resolve(
            spec,
            &op["requestBody"]["content"]["application/json"]["schema"],
        );
        let Some(properties) = schema["properties"].as_object() else {
            continue;
        };
        if let (Some(id), Some(key)) = (
            op["operationId"].as_str(),
            REPLAY_KEYS.iter().find(|k| properties.contains_key(**k)),
        ) {
            found.insert(id.to_owned(), (*key).to_owned());
        }
    }
    found
}
