//! The compact view of a body schema that request bodies are checked
//! against (and that `incidentio describe` prints): `type`, `enum`,
//! `properties`, `required`, `items`, `allOf` merged, at most
//! [`MAX_DEPTH`] levels deep (deeper values are accepted as any JSON), and
//! the check itself.
//!
//! Its input is the catalog's self-contained schema, whose only references
//! point into its own `$defs` (recursive types): no spec is read here.

use serde_json::{Map, Value};

use super::BODY_PROPERTY;
use super::arguments::{ArgumentError, a_kind, json_kind};

/// How deep a request body's schema is described and checked: deep enough
/// for every field a person types, shallow enough that a recursive type
/// ends.
const MAX_DEPTH: usize = 6;

/// The compact view of `schema` (a self-contained JSON Schema).
pub(super) fn compact(schema: &Value) -> Value {
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

/// Checks a body against its compact schema: JSON types, enum values and
/// required properties. The error's argument is the field's path under
/// `body` (`body.severity.id`); its message names the field within the
/// body (`` field `severity.id` ``), as a person filling it in sees it.
pub(super) fn check(body: &Value, schema: &Value) -> Result<(), ArgumentError> {
    check_at(body, schema, "")
}

fn check_at(value: &Value, schema: &Value, path: &str) -> Result<(), ArgumentError> {
    let argument = if path.is_empty() {
        BODY_PROPERTY.to_owned()
    } else {
        format!("{BODY_PROPERTY}.{path}")
    };
    let name = if path.is_empty() {
        "the body".to_owned()
    } else {
        format!("field `{path}`")
    };
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        let ok = match kind {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        if !ok && !value.is_null() {
            return Err(ArgumentError::new(
                argument,
                format!("{name} must be {}, got {}", a_kind(kind), json_kind(value)),
            ));
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !value.is_null()
        && !values.contains(value)
    {
        let list: Vec<String> = values
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        return Err(ArgumentError::new(
            argument,
            format!(
                "{name} has the value {value}, which is not one of: {}",
                list.join(", ")
            ),
        ));
    }
    if let Value::Object(map) = value {
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (key, child) in map {
                if let Some(child_schema) = properties.get(key) {
                    check_at(child, child_schema, &join(path, key))?;
                }
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for field in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(field) {
                    let missing = join(path, field);
                    return Err(ArgumentError::new(
                        format!("{BODY_PROPERTY}.{missing}"),
                        format!("missing required field `{missing}`"),
                    ));
                }
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check_at(item, item_schema, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}
