//! Derives the command table from the OpenAPI spec: one entry per
//! operation, with its parameters, a simplified schema of its request body,
//! pagination and deprecation. `src/table.rs` reads it back at start-up.
//!
//! Only `serde_json` is used here, so that the CLI's own compile stays small
//! (the library already pays for progenitor).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Map, Value, json};

/// How deep a request body's schema is described (nested objects and
/// arrays); deeper values are accepted as any JSON.
const MAX_DEPTH: usize = 6;

fn main() {
    println!("cargo:rerun-if-env-changed=INCIDENT_IO_OPENAPI");
    let path = match std::env::var_os("INCIDENT_IO_OPENAPI") {
        Some(p) => PathBuf::from(p),
        None => {
            let dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR is set");
            PathBuf::from(dir).join("../openapi/incident-io.json")
        }
    };
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        fail(&format!(
            "cannot read the OpenAPI spec {}: {e}",
            path.display()
        ))
    });
    let spec: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        fail(&format!(
            "the OpenAPI spec {} is not JSON: {e}",
            path.display()
        ))
    });
    let table = build_table(&spec)
        .unwrap_or_else(|e| fail(&format!("the OpenAPI spec {} {e}", path.display())));
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set")).join("table.json");
    std::fs::write(
        &out,
        serde_json::to_string(&table).expect("a Value serialises"),
    )
    .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", out.display())));
}

/// Stops the build with one line naming the problem.
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    println!("cargo:warning={message}");
    std::process::exit(1);
}

fn build_table(spec: &Value) -> Result<Value, String> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("has no `paths` object")?;
    let mut ops = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let shared: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (method, op) in item {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            ops.push(operation(spec, path, method, op, &shared)?);
        }
    }
    if ops.is_empty() {
        return Err("has no operations".into());
    }
    // Replacements of deprecated operations: the same action in a higher
    // version of the same service.
    let keys: Vec<(String, String, bool)> = ops
        .iter()
        .map(|o| {
            (
                o["service"].as_str().unwrap_or_default().to_owned(),
                o["action"].as_str().unwrap_or_default().to_owned(),
                o["deprecated"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    for op in &mut ops {
        if op["deprecated"] != Value::Bool(true) {
            continue;
        }
        let service = op["service"].as_str().unwrap_or_default().to_owned();
        let action = op["action"].as_str().unwrap_or_default().to_owned();
        let Some((base, version)) = split_version(&service) else {
            continue;
        };
        let mut best: Option<(u32, String)> = None;
        for (s, a, deprecated) in &keys {
            if *deprecated || *a != action {
                continue;
            }
            if let Some((b, v)) = split_version(s)
                && b == base
                && v > version
                && best.as_ref().is_none_or(|(bv, _)| v > *bv)
            {
                best = Some((v, format!("{s} {a}")));
            }
        }
        if let Some((_, replacement)) = best {
            op["replacement"] = Value::String(replacement);
        }
    }
    ops.sort_by(|a, b| {
        (a["service"].as_str(), a["action"].as_str())
            .cmp(&(b["service"].as_str(), b["action"].as_str()))
    });
    let mut services = BTreeMap::new();
    for tag in spec
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = tag.get("name").and_then(Value::as_str) {
            let description = tag
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default();
            services.insert(kebab_service(name), first_line(description));
        }
    }
    Ok(json!({ "services": services, "operations": ops }))
}

/// `catalog-v2` → (`catalog`, 2).
fn split_version(service: &str) -> Option<(&str, u32)> {
    let (base, version) = service.rsplit_once("-v")?;
    Some((base, version.parse().ok()?))
}

fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// A tag as a command: lower case, spaces to hyphens (`Incidents V2` →
/// `incidents-v2`), as the library's service features are named.
fn kebab_service(tag: &str) -> String {
    tag.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// `ListEntries` → `list-entries`, `ShowIPAllowlist` → `show-ip-allowlist`.
fn kebab_action(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let acronym_end = i > 0
                && chars[i - 1].is_uppercase()
                && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if (prev_lower || acronym_end) && !out.is_empty() {
                out.push('-');
            }
            out.extend(c.to_lowercase());
        } else if c == ' ' || c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            break;
        };
        match spec.pointer(&format!(
            "/components/schemas/{}",
            name.replace('~', "~0").replace('/', "~1")
        )) {
            Some(s) => schema = s,
            None => break,
        }
    }
    schema
}

fn operation(
    spec: &Value,
    path: &str,
    method: &str,
    op: &Value,
    shared: &[Value],
) -> Result<Value, String> {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("has an operation without operationId at {method} {path}"))?;
    let (service_part, action_part) = id
        .split_once('#')
        .ok_or_else(|| format!("has an operationId without `#`: {id}"))?;
    let tag = op
        .get("tags")
        .and_then(Value::as_array)
        .and_then(|t| t.first())
        .and_then(Value::as_str)
        .unwrap_or(service_part);
    let mut params = Vec::new();
    let mut names = Vec::new();
    for param in shared.iter().chain(
        op.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    ) {
        let param = resolve(spec, param);
        let location = param.get("in").and_then(Value::as_str).unwrap_or_default();
        if location != "path" && location != "query" {
            continue;
        }
        let name = param
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        names.push(name.to_owned());
        let schema = resolve(spec, param.get("schema").unwrap_or(&Value::Null));
        let kind = schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("string");
        let deep_style = param.get("style").and_then(Value::as_str) == Some("deepObject");
        // 0: plain; 1: `name[op]=v`; 2: `name[key][op]=v` (a map of maps).
        let deep = if kind == "object" || deep_style {
            let nested = schema
                .get("additionalProperties")
                .map(|a| resolve(spec, a))
                .and_then(|a| a.get("type"))
                .and_then(Value::as_str)
                == Some("object");
            if nested { 2 } else { 1 }
        } else {
            0
        };
        let item_schema = schema.get("items").map(|i| resolve(spec, i));
        let enum_values = schema
            .get("enum")
            .or_else(|| item_schema.and_then(|i| i.get("enum")))
            .cloned()
            .unwrap_or(Value::Null);
        let description = param
            .get("description")
            .or_else(|| schema.get("description"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let example = param
            .get("example")
            .or_else(|| schema.get("example"))
            .cloned()
            .unwrap_or(Value::Null);
        params.push(json!({
            "name": name,
            "in": location,
            "type": kind,
            "required": location == "path" || param.get("required").and_then(Value::as_bool).unwrap_or(false),
            "enum": enum_values,
            "description": description,
            "deep": deep,
            "example": if deep == 0 { example } else { Value::Null },
        }));
    }
    let body = op
        .get("requestBody")
        .map(|b| resolve(spec, b))
        .and_then(|b| {
            let media = b.get("content")?.get("application/json")?;
            let raw_schema = media.get("schema").unwrap_or(&Value::Null);
            let schema = simplify(spec, raw_schema, 0);
            let example = media
                .get("example")
                .or_else(|| resolve(spec, raw_schema).get("example"))
                .cloned()
                .unwrap_or(Value::Null);
            let idempotency = schema
                .get("properties")
                .and_then(|p| p.get("idempotency_key"))
                .is_some();
            Some(json!({
                "required": b.get("required").and_then(Value::as_bool).unwrap_or(false),
                "schema": schema,
                "idempotency_key": idempotency,
                "example": example,
            }))
        })
        .unwrap_or(Value::Null);
    let items = if names.iter().any(|n| n == "after") && names.iter().any(|n| n == "page_size") {
        pagination_items(spec, op)
    } else {
        None
    };
    Ok(json!({
        "id": id,
        "service": kebab_service(tag),
        "action": kebab_action(action_part),
        "method": method.to_uppercase(),
        "path": path,
        "summary": op.get("summary").and_then(Value::as_str).unwrap_or_default(),
        "description": op.get("description").and_then(Value::as_str).unwrap_or_default(),
        "deprecated": op.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
        "replacement": Value::Null,
        "params": params,
        "body": body,
        "paginated": items.is_some(),
        "items": items,
    }))
}

/// The page's array of items, when the 200 response has `pagination_meta`.
fn pagination_items(spec: &Value, op: &Value) -> Option<String> {
    let schema = op
        .get("responses")?
        .get("200")?
        .get("content")?
        .get("application/json")?
        .get("schema")?;
    let properties = resolve(spec, schema).get("properties")?.as_object()?;
    properties.get("pagination_meta")?;
    properties
        .iter()
        .find(|(name, s)| {
            name.as_str() != "pagination_meta"
                && resolve(spec, s).get("type").and_then(Value::as_str) == Some("array")
        })
        .map(|(name, _)| name.clone())
}

/// A compact schema: `type`, `enum`, `properties`, `required`, `items`,
/// resolved through `$ref` and `allOf`, at most [`MAX_DEPTH`] deep.
fn simplify(spec: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(spec, schema);
    let mut out = Map::new();
    if depth > MAX_DEPTH {
        return Value::Object(out);
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        let mut required = Vec::new();
        for part in all {
            let part = simplify(spec, part, depth);
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
            .map(|(name, s)| (name.clone(), simplify(spec, s, depth + 1)))
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
        out.insert("items".into(), simplify(spec, items, depth + 1));
    }
    Value::Object(out)
}
