//! Schemas that stand alone: a request body or parameter schema with every
//! `$ref` to a component resolved, so a validator or an agent can use it
//! without the spec beside it.
//!
//! References are inlined, except a reference back to a component already
//! being inlined (a recursive type, such as an escalation path node whose
//! branches are paths of nodes): that one becomes `{"$ref": "#/$defs/X"}`
//! and `X` is written once under the root's `$defs`, itself inlined the
//! same way. The result is finite for any spec, and has `$defs` only where
//! recursion needs it. Everything else of the schema (`description`,
//! `example`, `enum`, `format`, …) is kept as published.

use serde_json::{Map, Value, json};

use super::SCHEMA_REF_PREFIX;

/// The keys of a schema object whose values are schemas.
const SCHEMA_KEYS: [&str; 3] = ["items", "additionalProperties", "not"];
/// The keys whose values are lists of schemas.
const SCHEMA_LIST_KEYS: [&str; 3] = ["allOf", "oneOf", "anyOf"];

/// `schema` made self-contained (see the module documentation).
pub fn self_contained(spec: &Value, schema: &Value) -> Value {
    let mut defs = Map::new();
    let mut root = inline(spec, schema, &mut Vec::new(), &mut defs);
    if !defs.is_empty()
        && let Value::Object(map) = &mut root
    {
        map.insert("$defs".into(), Value::Object(defs));
    }
    root
}

fn inline(
    spec: &Value,
    schema: &Value,
    stack: &mut Vec<String>,
    defs: &mut Map<String, Value>,
) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        let Some(name) = reference.strip_prefix(SCHEMA_REF_PREFIX) else {
            // Not a component: nothing a stand-alone schema can point at.
            return json!({});
        };
        let Some(target) = spec
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name))
        else {
            return json!({});
        };
        if stack.iter().any(|n| n == name) {
            if !defs.contains_key(name) {
                // Reserve the name first: the definition may refer to itself.
                defs.insert(name.to_owned(), Value::Null);
                let definition = inline(spec, target, &mut vec![name.to_owned()], defs);
                defs.insert(name.to_owned(), definition);
            }
            return json!({ "$ref": format!("#/$defs/{name}") });
        }
        stack.push(name.to_owned());
        let inlined = inline(spec, target, stack, defs);
        stack.pop();
        return inlined;
    }
    let mut out = Map::with_capacity(map.len());
    for (key, value) in map {
        let value = if key == "properties"
            && let Value::Object(properties) = value
        {
            Value::Object(
                properties
                    .iter()
                    .map(|(name, s)| (name.clone(), inline(spec, s, stack, defs)))
                    .collect(),
            )
        } else if SCHEMA_KEYS.contains(&key.as_str()) && value.is_object() {
            inline(spec, value, stack, defs)
        } else if SCHEMA_LIST_KEYS.contains(&key.as_str())
            && let Value::Array(list) = value
        {
            Value::Array(list.iter().map(|s| inline(spec, s, stack, defs)).collect())
        } else {
            value.clone()
        };
        out.insert(key.clone(), value);
    }
    Value::Object(out)
}

/// Whether `schema` (self-contained) still holds a reference that does not
/// point into its own `$defs`.
pub fn has_foreign_ref(schema: &Value) -> bool {
    fn walk(value: &Value) -> bool {
        match value {
            Value::Object(map) => map.iter().any(|(k, v)| {
                (k == "$ref" && !v.as_str().is_some_and(|r| r.starts_with("#/$defs/"))) || walk(v)
            }),
            Value::Array(list) => list.iter().any(walk),
            _ => false,
        }
    }
    walk(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "Body": {"type": "object", "required": ["node"], "properties": {
                "node": {"$ref": "#/components/schemas/Node"},
                "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
            }},
            "Node": {"type": "object", "properties": {
                "then": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "tag": {"$ref": "#/components/schemas/Tag"},
            }},
            "Tag": {"type": "string", "enum": ["a", "b"]},
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/C"},
            "C": {"$ref": "#/components/schemas/D"},
            "D": {"$ref": "#/components/schemas/E"},
            "E": {"type": "integer"},
        }}})
    }

    #[test]
    fn plain_references_are_inlined_and_recursion_goes_to_defs() {
        let spec = spec();
        let body = self_contained(&spec, &json!({"$ref": "#/components/schemas/Body"}));
        assert_eq!(
            body["properties"]["tags"]["items"]["enum"],
            json!(["a", "b"])
        );
        let node = &body["properties"]["node"];
        assert_eq!(node["properties"]["tag"]["type"], "string");
        assert_eq!(
            node["properties"]["then"]["items"],
            json!({"$ref": "#/$defs/Node"})
        );
        let def = &body["$defs"]["Node"];
        assert_eq!(
            def["properties"]["then"]["items"],
            json!({"$ref": "#/$defs/Node"})
        );
        assert!(!has_foreign_ref(&body));
    }

    #[test]
    fn a_chain_five_deep_resolves() {
        let spec = spec();
        let chain = self_contained(&spec, &json!({"$ref": "#/components/schemas/A"}));
        assert_eq!(chain, json!({"type": "integer"}));
    }

    #[test]
    fn unresolvable_references_become_any() {
        let spec = spec();
        let any = self_contained(&spec, &json!({"$ref": "#/components/schemas/Missing"}));
        assert_eq!(any, json!({}));
        assert!(has_foreign_ref(
            &json!({"items": {"$ref": "#/components/schemas/X"}})
        ));
    }
}

/// The shape of a response for a reader who will pick fields from it (an
/// agent writing `jq`, say): each object property by name, an array as a
/// list of its item's shape, a leaf as its type (`string (date-time)`,
/// `integer`, `enum: a|b|c`), descriptions and examples left out, and
/// objects deeper than `depth` shown as `"object"`. `$ref`s are followed
/// (a recursive type ends at the depth like any other).
pub fn shape(spec: &Value, schema: &Value, depth: usize) -> Value {
    let schema = super::resolve(spec, schema);
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(fields) = shape(spec, part, depth) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    if let Some(options) = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_array))
    {
        let kinds: Vec<String> = options
            .iter()
            .map(|o| match shape(spec, o, depth.saturating_sub(1)) {
                Value::String(kind) => kind,
                _ => "object".to_owned(),
            })
            .collect();
        return Value::String(format!("one of: {}", kinds.join(" | ")));
    }
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .or_else(|| schema.get("properties").map(|_| "object"));
    match kind {
        Some("object") => match schema.get("properties").and_then(Value::as_object) {
            Some(properties) if depth > 0 => Value::Object(
                properties
                    .iter()
                    .map(|(name, child)| (name.clone(), shape(spec, child, depth - 1)))
                    .collect(),
            ),
            _ => Value::String("object".to_owned()),
        },
        Some("array") => Value::Array(vec![shape(
            spec,
            schema.get("items").unwrap_or(&Value::Null),
            depth,
        )]),
        _ => {
            if let Some(values) = schema.get("enum").and_then(Value::as_array) {
                const SHOWN: usize = 8;
                let mut names: Vec<String> = values
                    .iter()
                    .take(SHOWN)
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect();
                if values.len() > SHOWN {
                    names.push("…".to_owned());
                }
                return Value::String(format!("enum: {}", names.join("|")));
            }
            let kind = kind.unwrap_or("any");
            Value::String(match schema.get("format").and_then(Value::as_str) {
                Some(format) => format!("{kind} ({format})"),
                None => kind.to_owned(),
            })
        }
    }
}

#[cfg(test)]
mod shape_tests {
    use super::*;

    #[test]
    fn a_shape_follows_refs_names_leaves_and_stops_at_its_depth() {
        let spec = json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {
                "id": {"type": "string"},
                "at": {"type": "string", "format": "date-time"},
                "kind": {"type": "string", "enum": ["a", "b"]},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            }},
        }}});
        let shape = shape(&spec, &json!({"$ref": "#/components/schemas/Node"}), 2);
        assert_eq!(shape["id"], "string");
        assert_eq!(shape["at"], "string (date-time)");
        assert_eq!(shape["kind"], "enum: a|b");
        assert_eq!(shape["children"][0]["id"], "string");
        assert_eq!(shape["children"][0]["children"][0], "object");
    }
}
