//! Mutations of the spec's example responses, for the fuzz campaigns that
//! decode them (`tests/operations/fuzz/response_decode.rs`, the decode error
//! paths in `tests/it/fuzz/`): a mutated example gets past the first
//! required field, where random JSON would not.

use proptest::prelude::*;
use serde_json::Value;

use super::{fuzz::json_value, spec};

/// `(method name, example response)` for every operation with one.
pub fn examples() -> Vec<(String, Value)> {
    let spec = spec::load();
    spec::operations(&spec)
        .into_iter()
        .filter_map(|op| {
            let (_, example) = spec::json_success(op.op)?;
            let method = incidentio::OPERATIONS.iter().find(|o| o.id == op.id)?;
            Some((method.method_name.to_owned(), example?.clone()))
        })
        .collect()
}

/// Every JSON pointer inside `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// One change to a document.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Replace the node at (pick % nodes) with a value.
    Replace(usize, Value),
    /// Remove the node (an object member or array item).
    Remove(usize),
    /// Turn a string into another string (dates, enums, ids).
    Restring(usize, String),
    /// Flip a number's type (integer ↔ float ↔ huge).
    Renumber(usize, f64),
}

/// Any one mutation, at any node.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), json_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), ".{0,40}").prop_map(|(i, s)| Mutation::Restring(i, s)),
        (any::<usize>(), any::<f64>()).prop_map(|(i, f)| Mutation::Renumber(i, f)),
    ]
}

/// Applies `mutation` to `document`; the node index wraps around the
/// document's nodes.
pub fn apply(document: &mut Value, mutation: &Mutation) {
    let mut all = Vec::new();
    pointers(document, String::new(), &mut all);
    let pick = |i: usize| all[i % all.len()].clone();
    match mutation {
        Mutation::Replace(i, value) => {
            if let Some(node) = document.pointer_mut(&pick(*i)) {
                *node = value.clone();
            }
        }
        Mutation::Remove(i) => {
            let pointer = pick(*i);
            let Some((parent, key)) = pointer.rsplit_once('/') else {
                return;
            };
            let key = key.replace("~1", "/").replace("~0", "~");
            match document.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(index) = key.parse::<usize>()
                        && index < items.len()
                    {
                        items.remove(index);
                    }
                }
                _ => {}
            }
        }
        Mutation::Restring(i, text) => {
            let strings: Vec<&String> = all
                .iter()
                .filter(|p| document.pointer(p).is_some_and(Value::is_string))
                .collect();
            if let Some(pointer) = strings.get(i % strings.len().max(1)).map(|p| (*p).clone())
                && let Some(node) = document.pointer_mut(&pointer)
            {
                *node = Value::String(text.clone());
            }
        }
        Mutation::Renumber(i, number) => {
            let numbers: Vec<&String> = all
                .iter()
                .filter(|p| document.pointer(p).is_some_and(Value::is_number))
                .collect();
            if let Some(pointer) = numbers.get(i % numbers.len().max(1)).map(|p| (*p).clone())
                && let Some(node) = document.pointer_mut(&pointer)
            {
                *node = serde_json::Number::from_f64(*number).map_or(Value::Null, Value::Number);
            }
        }
    }
}
