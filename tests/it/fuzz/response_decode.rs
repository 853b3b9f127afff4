//! Decoding hostile or mangled JSON into the generated response types never
//! panics, never recurses without bound, and whatever decodes re-encodes to
//! something that decodes to the same value.
//!
//! Mutations of the spec's own example responses get past the first
//! required field, where random JSON would not; random JSON and random bytes
//! cover the rest. CI runs a few hundred cases per property (about a second
//! each in a debug build). For a long run:
//!
//! ```text
//! PROPTEST_CASES=200000 cargo test --release --all-features --test it fuzz::response_decode -- --nocapture
//! ```

use crate::common::fuzz;
use crate::common::spec;
use crate::common::typed;

use fuzz::{fuzz, json_value};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `value` as `T`; when it decodes, checks that re-encoding and
/// decoding again is stable.
type Check = fn(&[u8]) -> Result<bool, TestCaseError>;

fn check<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<bool, TestCaseError> {
    let Ok(decoded) = typed::from_bytes::<T>(bytes) else {
        return Ok(false);
    };
    let first = typed::to_value(&decoded)
        .map_err(|e| TestCaseError::fail(format!("decoded but does not encode: {e}")))?;
    let encoded = first.to_string();
    let again: T = typed::from_str(&encoded).map_err(|e| {
        TestCaseError::fail(format!("re-encoded value does not decode: {e}: {encoded}"))
    })?;
    let second = typed::to_value(&again).unwrap();
    prop_assert!(
        close(&first, &second),
        "round trip is not stable:\n{first}\n{second}"
    );
    Ok(true)
}

/// JSON equality, numbers within a relative 1e-12: serde_json (without its
/// `float_roundtrip` feature) parses some floats, such as
/// `4.4985786397137325e-245`, one unit in the last place off, so a float
/// may move by that much on each trip through text.
fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y || (x - y).abs() <= x.abs().max(y.abs()) * 1e-12,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| close(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

macro_rules! operation_types {
    ($($method:ident => $ty:ty,)*) => {
        /// Every operation's success type, by method name.
        const CHECKS: &[(&str, Check)] = &[$((stringify!($method), check::<$ty>),)*];
    };
}

#[allow(
    unused_imports,
    reason = "the generated list names types as `types::X`"
)]
use incidentio::types;
include!(concat!(env!("OUT_DIR"), "/operation_types.rs"));

/// The main response types, checked on every case.
const MAIN: &[(&str, Check)] = &[
    (
        "IncidentsListResultV2",
        check::<types::IncidentsListResultV2>,
    ),
    (
        "IncidentsShowResultV2",
        check::<types::IncidentsShowResultV2>,
    ),
    ("IncidentV2", check::<types::IncidentV2>),
    ("AlertsListResultV2", check::<types::AlertsListResultV2>),
    ("AlertV2", check::<types::AlertV2>),
    ("EscalationPathV2", check::<types::EscalationPathV2>),
    ("WorkflowV2", check::<types::WorkflowV2>),
    ("ErrorEnvelope", check::<incidentio::error::ErrorEnvelope>),
];

/// `(method name, example response)` for every operation with one.
pub(super) fn examples() -> Vec<(String, Value)> {
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
pub(super) enum Mutation {
    /// Replace the node at (pick % nodes) with a value.
    Replace(usize, Value),
    /// Remove the node (an object member or array item).
    Remove(usize),
    /// Turn a string into another string (dates, enums, ids).
    Restring(usize, String),
    /// Flip a number's type (integer ↔ float ↔ huge).
    Renumber(usize, f64),
}

pub(super) fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), json_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), ".{0,40}").prop_map(|(i, s)| Mutation::Restring(i, s)),
        (any::<usize>(), any::<f64>()).prop_map(|(i, f)| Mutation::Renumber(i, f)),
    ]
}

pub(super) fn apply(document: &mut Value, mutation: &Mutation) {
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

/// Mutated example responses of any operation decode or fail cleanly.
#[test]
fn mutated_example_responses_of_every_operation() {
    let examples = examples();
    assert!(examples.len() > 100, "the spec has example responses");
    let decoded = std::cell::Cell::new(0u32);
    fuzz(
        "mutated examples, every operation",
        512,
        (0..examples.len(), prop::collection::vec(mutation(), 1..4)),
        |(index, mutations)| {
            let (method, example) = &examples[index];
            let check = CHECKS
                .iter()
                .find(|(name, _)| name == method)
                .map(|(_, c)| *c)
                .unwrap_or_else(|| panic!("no success type for {method}"));
            let mut document = example.clone();
            for m in &mutations {
                apply(&mut document, m);
            }
            if check(&serde_json::to_vec(&document).unwrap())? {
                decoded.set(decoded.get() + 1);
            }
            Ok(())
        },
    );
    eprintln!("  of which {} still decoded", decoded.get());
}

/// The main types, on mutations of their own examples (incident list and
/// show, alerts, escalation paths, workflows).
#[test]
fn mutated_examples_of_the_main_types() {
    let examples = examples();
    // (index into MAIN, operation whose example holds it, field or whole).
    let sources = [
        (0, "incidents_v2_list", None),
        (1, "incidents_v2_show", None),
        (2, "incidents_v2_show", Some("incident")),
        (3, "alerts_v2_list", None),
        (4, "alerts_v2_show", Some("alert")),
        (5, "escalations_v2_show_path", Some("escalation_path")),
        (6, "workflows_v2_show_workflow", Some("workflow")),
    ];
    let bases: Vec<(usize, Value)> = sources
        .iter()
        .filter_map(|&(index, method, field)| {
            let example = &examples.iter().find(|(m, _)| m == method)?.1;
            let value = match field {
                Some(field) => example.get(field)?.clone(),
                None => example.clone(),
            };
            Some((index, value))
        })
        .collect();
    assert!(
        bases.len() >= 6,
        "examples for the main types: {}",
        bases.len()
    );
    fuzz(
        "mutated examples, main types",
        512,
        (0..bases.len(), prop::collection::vec(mutation(), 1..6)),
        |(index, mutations)| {
            let (check_index, base) = &bases[index];
            let mut document = base.clone();
            for m in &mutations {
                apply(&mut document, m);
            }
            (MAIN[*check_index].1)(&serde_json::to_vec(&document).unwrap())?;
            Ok(())
        },
    );
}

/// Arbitrary JSON documents and arbitrary bytes into every main type:
/// never a panic, and the rare document that decodes round-trips. Random
/// JSON almost never carries a type's required fields, so this is the
/// no-panic property; the round trip on arbitrary content is
/// [`arbitrary_json_kept_by_the_error_envelope_round_trips`]'s, and on the
/// main types [`mutated_examples_of_the_main_types`]'s.
#[test]
fn arbitrary_json_and_bytes_into_the_main_types_never_panic() {
    fuzz("arbitrary JSON, main types", 256, json_value(), |value| {
        let bytes = serde_json::to_vec(&value).unwrap();
        for (_, check) in MAIN {
            check(&bytes)?;
        }
        Ok(())
    });
    fuzz(
        "arbitrary bytes, main types",
        256,
        prop::collection::vec(any::<u8>(), 0..512),
        |bytes| {
            for (_, check) in MAIN {
                check(&bytes)?;
            }
            Ok(())
        },
    );
}

/// Arbitrary JSON where a type keeps it: an error envelope of any `type`
/// (an unknown one stays text) with arbitrary members of its own (kept in
/// `extra`). Every case decodes, so every case takes the round trip:
/// decoded, re-encoded, decoded again to the same JSON.
#[test]
fn arbitrary_json_kept_by_the_error_envelope_round_trips() {
    let cases = std::cell::Cell::new(0u32);
    let decoded = std::cell::Cell::new(0u32);
    fuzz(
        "arbitrary JSON in an error envelope",
        256,
        (
            "[a-z_]{1,16}",
            prop::collection::btree_map("x_[a-z]{1,8}", json_value(), 0..6),
        ),
        |(kind, members)| {
            let mut document: serde_json::Map<String, Value> = members.into_iter().collect();
            document.insert("type".to_owned(), Value::String(kind));
            cases.set(cases.get() + 1);
            let bytes = serde_json::to_vec(&document).unwrap();
            if check::<incidentio::error::ErrorEnvelope>(&bytes)? {
                decoded.set(decoded.get() + 1);
            }
            Ok(())
        },
    );
    assert!(cases.get() > 0);
    assert_eq!(decoded.get(), cases.get(), "every envelope decodes");
}

/// Nesting far deeper than any real body is refused by serde_json's
/// recursion limit, for every main type, instead of overflowing the stack
/// (the recursive escalation-path and workflow types included).
#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for depth in [200, 10_000, 100_000] {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        // The recursive type's own shape: else_path nested in if_else.
        let paths = format!(
            r#"{{"id":"x","name":"n","path":{}{}}}"#,
            r#"[{"id":"a","type":"if_else","if_else":{"conditions":[],"then_path":"#.repeat(depth),
            "[]}}]".repeat(depth)
        );
        for body in [&arrays, &objects, &paths] {
            for (name, check) in MAIN {
                assert!(
                    !check(body.as_bytes()).unwrap_or(true),
                    "{name} decoded a body nested {depth} deep"
                );
            }
        }
    }
}
