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

#[cfg(test)]
mod tests {
    use super::super::operation_refs;
    use super::*;
    use serde_json::json;

    /// A spec of three creates (keyed through a `$ref`, keyed only in a
    /// nested object, not keyed) and a keyed `PUT`.
    fn spec() -> Value {
        let body = |schema: Value| json!({"content": {"application/json": {"schema": schema}}});
        json!({
            "paths": {
                "/v1/keyed": {"post": {"operationId": "Keyed V1#Create",
                    "requestBody": body(json!({"$ref": "#/components/schemas/Keyed"}))}},
                "/v1/nested": {"post": {"operationId": "Nested V1#Create",
                    "requestBody": body(json!({"type": "object", "properties": {
                        "inner": {"type": "object", "properties": {
                            "idempotency_key": {"type": "string"}}}}}))}},
                "/v1/alerts": {"post": {"operationId": "Alerts V1#Create",
                    "requestBody": body(json!({"type": "object", "properties": {
                        "deduplication_key": {"type": "string"}}}))}},
                "/v1/put": {"put": {"operationId": "Put V1#Update",
                    "requestBody": body(json!({"$ref": "#/components/schemas/Keyed"}))}},
            },
            "components": {"schemas": {"Keyed": {"type": "object", "properties": {
                "idempotency_key": {"type": "string"}, "name": {"type": "string"}}}}},
        })
    }

    #[test]
    fn only_a_post_with_a_top_level_key_replays() {
        let spec = spec();
        let keys: Vec<(String, Option<&str>)> = operation_refs(&spec)
            .iter()
            .map(|op| (op.id().to_owned(), replay_key(&spec, op)))
            .collect();
        let key_of = |id: &str| keys.iter().find(|(k, _)| k == id).expect(id).1;
        assert_eq!(key_of("Keyed V1#Create"), Some("idempotency_key"));
        assert_eq!(key_of("Alerts V1#Create"), Some("deduplication_key"));
        assert_eq!(
            key_of("Nested V1#Create"),
            None,
            "a nested key is not the body's"
        );
        assert_eq!(key_of("Put V1#Update"), None, "only creates are keyed");
    }
}
