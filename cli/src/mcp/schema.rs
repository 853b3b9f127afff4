//! Tool schemas every MCP client takes, at a size a model can afford: the
//! catalog's input schema with its `$defs` inlined (several clients
//! reject or mangle `$ref`), a recursive type cut at a bounded depth with
//! a description saying so, examples left out and descriptions cut to
//! their first sentences. The full text stays in `describe_operation`.

use serde_json::{Map, Value, json};

/// How many times a recursive type is inlined within itself before it is
/// cut: none, as each level repeats every field of the one above (an
/// escalation path node inlined once within itself made its tool the
/// largest of all by far).
const RECURSION: usize = 0;

/// The longest description a property keeps, in characters.
const MAX_DESCRIPTION: usize = 120;

/// `schema` made portable and lean (see the module docs).
pub fn portable(mut schema: Value) -> Value {
    let defs = match &mut schema {
        Value::Object(map) => map.remove("$defs"),
        _ => None,
    };
    let defs = match defs {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    };
    let mut out = inline(&schema, &defs, &mut Vec::new());
    lean(&mut out);
    // The server refuses an unknown argument itself, naming it; saying so
    // in every tool's schema costs the default list about 1,400 bytes.
    if let Value::Object(map) = &mut out {
        map.remove("additionalProperties");
    }
    out
}

/// Replaces each `{"$ref": "#/$defs/X"}` with `X` itself, cutting a type
/// found inside itself more than [`RECURSION`] times.
fn inline(schema: &Value, defs: &Map<String, Value>, stack: &mut Vec<String>) -> Value {
    match schema {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                let Some(def) = defs.get(name) else {
                    return json!({"description": format!("a {name} (not described)")});
                };
                if stack.iter().filter(|n| *n == name).count() > RECURSION {
                    return json!({
                        "type": "object",
                        "description": format!(
                            "A nested {name}: the fields of the one containing it (cut here)."
                        ),
                    });
                }
                stack.push(name.to_owned());
                let out = inline(def, defs, stack);
                stack.pop();
                return out;
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), inline(v, defs, stack)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| inline(v, defs, stack)).collect()),
        other => other.clone(),
    }
}

/// Removes `example`s and integer `format`s and cuts `description`s to
/// what is [`essential`], descending only where the keywords hold schemas
/// (so a property *named* `example` stays).
fn lean(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    map.remove("example");
    // `int64` tells a model nothing `integer` does not.
    if map
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| f.starts_with("int"))
    {
        map.remove("format");
    }
    if let Some(Value::String(text)) = map.get_mut("description") {
        *text = essential(text);
    }
    for (keyword, value) in map.iter_mut() {
        match keyword.as_str() {
            "properties" | "$defs" | "definitions" | "patternProperties" => {
                if let Some(children) = value.as_object_mut() {
                    children.values_mut().for_each(lean);
                }
            }
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                if let Some(children) = value.as_array_mut() {
                    children.iter_mut().for_each(lean);
                }
            }
            "items" | "additionalProperties" | "not" => lean(value),
            _ => {}
        }
    }
}

/// A property's description as a tool needs it: its first sentence, and
/// any later one naming the operators a filter accepts, within
/// [`MAX_DESCRIPTION`] characters.
fn essential(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut sentences = flat.split_inclusive(". ");
    let mut out = sentences.next().unwrap_or_default().trim().to_owned();
    for sentence in sentences {
        if sentence.contains("operator") && out.len() + sentence.len() < MAX_DESCRIPTION {
            out.push(' ');
            out.push_str(sentence.trim());
        }
    }
    first_sentences(&out, MAX_DESCRIPTION)
}

/// The first paragraph of `text`, cut after the last sentence that ends
/// within `max` characters (or at a word, with `…`, when the first
/// sentence is longer).
pub fn first_sentences(text: &str, max: usize) -> String {
    let paragraph = text
        .trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if paragraph.chars().count() <= max {
        return paragraph;
    }
    let cut: String = paragraph.chars().take(max).collect();
    if let Some(end) = cut.rfind(". ").filter(|&end| end > 0) {
        return cut[..=end].to_owned();
    }
    match cut.rfind(' ') {
        Some(space) => format!("{}…", &cut[..space]),
        None => format!("{cut}…"),
    }
}
