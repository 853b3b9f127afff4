//! Every operation of the spec through the binary against `--mock`.

use std::sync::Mutex;

use serde_json::{Map, Value, json};

use crate::common::{code, run, run_with, spec_operation_ids, stderr, stdout};

/// A placeholder for a path or query value without an example.
const PLACEHOLDER_ID: &str = "01FCNDV6P870EA6S7TK1DSYDG0";

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(list) => list.first().map(text).unwrap_or_default(),
        other => other.to_string(),
    }
}

/// The flags of an operation: its path parameters and required query
/// parameters, from the spec's examples.
pub fn param_args(op: &Value) -> Vec<String> {
    let mut args = Vec::new();
    for p in required_params(op) {
        args.push(p["flag"].as_str().expect("flag").to_owned());
        args.push(param_value(p));
    }
    args
}

/// An operation's required parameters, as `describe` shows them.
pub fn required_params(op: &Value) -> impl Iterator<Item = &Value> {
    op["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter(|p| p["required"] == true)
}

/// A value for a parameter, as its flag takes it: the first of its enum,
/// else the spec's example, else a placeholder in its syntax.
pub fn param_value(p: &Value) -> String {
    if let Some(first) = p["enum"].as_array().and_then(|e| e.first()) {
        text(first)
    } else if !p["example"].is_null() {
        text(&p["example"])
    } else if p["syntax"] == "OP=VALUE" {
        format!("one_of={PLACEHOLDER_ID}")
    } else if p["syntax"] == "ID:OP=VALUE" {
        format!("{PLACEHOLDER_ID}:one_of=X")
    } else {
        PLACEHOLDER_ID.to_owned()
    }
}

/// The smallest body the simplified schema accepts.
pub fn minimal(schema: &Value) -> Value {
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    match schema["type"].as_str() {
        Some("string") => json!("x"),
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(false),
        Some("array") => json!([]),
        _ => {
            let mut map = Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().expect("a name");
                map.insert(name.to_owned(), minimal(&schema["properties"][name]));
            }
            Value::Object(map)
        }
    }
}

/// What running every operation gave.
pub struct Report {
    /// Operations that succeeded.
    pub ran: usize,
    /// `command args: exit stderr` of each failure.
    pub failures: Vec<String>,
    /// Operations whose example body the CLI rejected (a minimal body ran).
    pub fallbacks: Vec<String>,
}

/// Runs every operation of `describe` with `global` flags first (and
/// `key` in the environment), the spec's example parameters and body.
pub fn run_every_operation(global: &[&str], key: Option<&str>) -> Report {
    let described: Value = serde_json::from_str(&stdout(&run(&["describe"]))).expect("describe");
    let ops = described.as_array().expect("an array").clone();
    let failures = Mutex::new(Vec::new());
    let ran = Mutex::new(0usize);
    let fallbacks = Mutex::new(Vec::new());
    let threads = 6;
    std::thread::scope(|scope| {
        for chunk in ops.chunks(ops.len().div_ceil(threads)) {
            let (failures, ran, fallbacks) = (&failures, &ran, &fallbacks);
            scope.spawn(move || {
                for op in chunk {
                    let mut args: Vec<String> = global.iter().map(|s| (*s).to_owned()).collect();
                    let skip = args.len() + 2;
                    args.push(op["service"].as_str().expect("service").into());
                    args.push(op["action"].as_str().expect("action").into());
                    args.extend(param_args(op));
                    let body = &op["body"];
                    let mut inputs = Vec::new();
                    if !body.is_null() {
                        if !body["example"].is_null() {
                            inputs.push(body["example"].to_string());
                        }
                        inputs.push(minimal(&body["schema"]).to_string());
                        args.extend(["--input".to_owned(), "-".to_owned()]);
                    } else {
                        inputs.push(String::new());
                    }
                    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
                    let mut last = None;
                    for (i, input) in inputs.iter().enumerate() {
                        let out = run_with(&argv, key, (!body.is_null()).then_some(input.as_str()));
                        let ok = code(&out) == 0
                            && (out.stdout.is_empty()
                                || serde_json::from_slice::<Value>(&out.stdout).is_ok());
                        if ok {
                            if i > 0 {
                                fallbacks.lock().unwrap().push(format!(
                                    "{} (example body rejected: {})",
                                    op["command"],
                                    last.as_ref().map(stderr).unwrap_or_default().trim()
                                ));
                            }
                            *ran.lock().unwrap() += 1;
                            last = None;
                            break;
                        }
                        last = Some(out);
                    }
                    if let Some(out) = last {
                        failures.lock().unwrap().push(format!(
                            "{} {:?}: exit {} {}",
                            op["command"],
                            &argv[skip..],
                            code(&out),
                            stderr(&out).trim()
                        ));
                    }
                }
            });
        }
    });
    Report {
        ran: ran.into_inner().unwrap(),
        failures: failures.into_inner().unwrap(),
        fallbacks: fallbacks.into_inner().unwrap(),
    }
}

#[test]
fn every_operation_runs_against_the_mock() {
    let report = run_every_operation(&["--mock"], None);
    for f in &report.fallbacks {
        eprintln!("fell back to a minimal body: {f}");
    }
    assert!(
        report.failures.is_empty(),
        "{} failed:\n{}",
        report.failures.len(),
        report.failures.join("\n")
    );
    assert_eq!(report.ran, spec_operation_ids().len());
}

#[test]
fn mock_with_no_key_prints_the_example_incidents() {
    // The spec's example of the incidents list: the media type's own, or
    // its schema's.
    let spec = crate::common::spec();
    let list = spec["paths"]
        .as_object()
        .expect("paths")
        .values()
        .filter_map(|item| item.get("get"))
        .find(|op| op["operationId"] == "Incidents V2#List")
        .expect("the spec lists incidents");
    let media = &list["responses"]["200"]["content"]["application/json"];
    let example = match media.get("example") {
        Some(example) => example.clone(),
        None => {
            let name = media["schema"]["$ref"]
                .as_str()
                .expect("a schema reference");
            let name = name.rsplit('/').next().expect("a schema name");
            spec["components"]["schemas"][name]["example"].clone()
        }
    };
    let expected = example["incidents"]
        .as_array()
        .expect("the example has incidents");
    assert!(
        !expected.is_empty(),
        "the spec's example lists no incidents"
    );

    let out = run(&["--mock", "incidents-v2", "list"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let page: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        page["incidents"].as_array().expect("incidents"),
        expected,
        "the mock's answer is not the spec's example"
    );
}
