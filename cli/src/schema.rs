//! The compact view of a body schema that `--field` checks run against and
//! `describe` prints: `type`, `enum`, `properties`, `required`, `items`,
//! `allOf` merged, at most [`MAX_DEPTH`] levels deep (deeper values are
//! accepted as any JSON).
//!
//! Its input is the catalog's self-contained schema, whose only references
//! point into its own `$defs` (recursive types): no spec is read here.

use serde_json::{Map, Value};

/// How deep a request body's schema is described.
const MAX_DEPTH: usize = 6;

/// The compact view of `schema` (a self-contained JSON Schema).
pub fn simplify(schema: &Value) -> Value {
    walk(schema, schema, 0)
}

/// `schema`, or the `$defs` entry of `root` it refers to.
fn local<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .and_then(|name| root.get("$defs")?.get(name))
        .unwrap_or(schema)
}

fn walk(root: &Value, schema: &Value, depth: usize) -> Value {
    let schema = local(root, schema);
    let mut out = Map::new();
    if depth > MAX_DEPTH {
        return Value::Object(out);
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        let mut required = Vec::new();
        for part in all {
            let part = walk(root, part, depth);
            if let Some(p) = part.get("properties").and_then(Value::as_object) {
                merged.extend(p.clone());
            }
            if let Some(r) = part.get("required").and_then(Value::as_array) {
                required.extend(r.clone());
            }
        }
        out.insert("type".into(), "object".into());
        out.insert("properties".into(), Value::Object(merged));
        out.insert("required".into(), Value::Array(required));
        return Value::Object(out);
    }
    if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        return Value::Object(out);
    }
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .or_else(|| schema.get("properties").map(|_| "object"));
    if let Some(kind) = kind {
        out.insert("type".into(), kind.into());
    }
    if let Some(values) = schema.get("enum") {
        out.insert("enum".into(), values.clone());
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let props: Map<String, Value> = props
            .iter()
            .map(|(name, s)| (name.clone(), walk(root, s, depth + 1)))
            .collect();
        out.insert("properties".into(), Value::Object(props));
        if let Some(required) = schema.get("required") {
            out.insert("required".into(), required.clone());
        }
        if schema
            .get("additionalProperties")
            .is_some_and(|a| a != &Value::Bool(false))
        {
            out.insert("additional".into(), true.into());
        }
    }
    if let Some(items) = schema.get("items") {
        out.insert("items".into(), walk(root, items, depth + 1));
    }
    Value::Object(out)
}
