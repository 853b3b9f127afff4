//! The spec the crate was built from, read at test time, so expectations come
//! from the spec rather than from constants.

use serde_json::Value;

/// The spec the library was generated from (`INCIDENTIO_SPEC_PATH` is set by
/// build.rs to the file it read).
pub fn load() -> Value {
    let path = env!("INCIDENTIO_SPEC_PATH");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"))
}

/// One operation of the spec.
pub struct SpecOperation<'a> {
    pub id: &'a str,
    pub method: String,
    pub path: &'a str,
    pub op: &'a Value,
}

/// Every operation of the spec, in document order.
pub fn operations(spec: &Value) -> Vec<SpecOperation<'_>> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push(SpecOperation {
                    id: op["operationId"].as_str().expect("operationId"),
                    method: method.to_uppercase(),
                    path,
                    op,
                });
            }
        }
    }
    out
}

/// The JSON success response (2xx) of an operation: its schema and example.
pub fn json_success(op: &Value) -> Option<(&Value, Option<&Value>)> {
    let responses = op.get("responses")?.as_object()?;
    responses
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .find_map(|(_, response)| {
            let media = response.get("content")?.get("application/json")?;
            Some((media.get("schema")?, media.get("example")))
        })
}

/// Follows `$ref` chains to the schema they name: the tests' own resolver
/// (the second reading's), apart from the build's.
pub use super::reading::follow as resolve;

/// A JSON pointer into an example, with the schema found there.
pub struct Located<'a> {
    pub pointer: String,
    pub schema: &'a Value,
}

/// Every string-enum-typed value in `example`, found by walking it together
/// with its `schema` (objects by property, arrays by items).
pub fn enum_values<'a>(spec: &'a Value, schema: &'a Value, example: &Value) -> Vec<Located<'a>> {
    let mut out = Vec::new();
    walk(
        spec,
        schema,
        example,
        String::new(),
        &mut |schema, value, pointer| {
            if schema.get("enum").is_some() && value.is_string() {
                out.push(Located {
                    pointer: pointer.to_owned(),
                    schema,
                });
            }
        },
    );
    out
}

/// Pointers to every object in `example` whose schema is a record with named
/// `properties` (not a free-form map, where a new key is a new entry).
pub fn records(spec: &Value, schema: &Value, example: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(
        spec,
        schema,
        example,
        String::new(),
        &mut |schema, value, pointer| {
            if value.is_object() && schema.get("properties").is_some() {
                out.push(pointer.to_owned());
            }
        },
    );
    out
}

/// Calls `visit` on each value of `value` with its resolved schema,
/// descending through properties, map values and array items.
fn walk<'a>(
    spec: &'a Value,
    schema: &'a Value,
    value: &Value,
    pointer: String,
    visit: &mut dyn FnMut(&'a Value, &Value, &str),
) {
    let schema = resolve(spec, schema);
    visit(schema, value, &pointer);
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let child = schema
                    .get("properties")
                    .and_then(|p| p.get(key))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()));
                if let Some(child) = child {
                    walk(spec, child, v, format!("{pointer}/{}", escape(key)), visit);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    walk(spec, item_schema, v, format!("{pointer}/{i}"), visit);
                }
            }
        }
        _ => {}
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Schema violations of `value`: missing required properties and wrong JSON
/// types, each as `pointer: message`. Enough to prove an example defective.
pub fn violations(spec: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check(spec, schema, value, String::new(), &mut out);
    out
}

fn check(spec: &Value, schema: &Value, value: &Value, pointer: String, out: &mut Vec<String>) {
    let schema = resolve(spec, schema);
    let type_ok = match schema.get("type").and_then(Value::as_str) {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        _ => true,
    };
    if !type_ok {
        out.push(format!("{pointer}: expected {}", schema["type"]));
        return;
    }
    if let (Some(required), Some(map)) = (schema.get("required"), value.as_object()) {
        for name in required
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !map.contains_key(name) {
                out.push(format!("{pointer}: missing required property `{name}`"));
            }
        }
    }
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if let Some(child) = schema.get("properties").and_then(|p| p.get(key)) {
                    check(spec, child, v, format!("{pointer}/{}", escape(key)), out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    check(spec, item_schema, v, format!("{pointer}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

/// JSON equality where numbers compare by value (`20` equals `20.0`: a
/// float field re-serialises integers as floats).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}
