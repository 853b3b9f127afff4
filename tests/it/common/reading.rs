//! A second, deliberately minimal reading of the spec, written apart from
//! the build's (`build/spec/`): what each operation takes, so a test can
//! hold the operation catalog and the command line's `describe` to the
//! spec rather than to themselves. Only `serde_json`; shared by the
//! library's and the command line's tests.

use std::collections::BTreeMap;

use serde_json::Value;

/// What one operation takes, as this reading sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Takes {
    /// `(name, location, required, enum values)` of each path, query and header
    /// parameter, sorted.
    pub params: Vec<(String, String, bool, Vec<String>)>,
    /// The body's top-level required fields, sorted; `None` without a JSON
    /// body.
    pub body_required: Option<Vec<String>>,
}

/// `operationId → what it takes`, for every operation of `spec`.
pub fn read(spec: &Value) -> BTreeMap<String, Takes> {
    let mut out = BTreeMap::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "put", "post", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let mut params: BTreeMap<(String, String), (bool, Vec<String>)> = BTreeMap::new();
            for list in [&item["parameters"], &op["parameters"]] {
                for param in list.as_array().into_iter().flatten() {
                    let param = follow(spec, param);
                    let location = param["in"].as_str().unwrap_or_default();
                    if !matches!(location, "path" | "query" | "header") {
                        continue;
                    }
                    let schema = follow(spec, &param["schema"]);
                    let enum_values = schema
                        .get("enum")
                        .or_else(|| follow(spec, &schema["items"]).get("enum"))
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect();
                    let required = location == "path" || param["required"] == true;
                    params.insert(
                        (
                            param["name"].as_str().unwrap_or_default().to_owned(),
                            location.to_owned(),
                        ),
                        (required, enum_values),
                    );
                }
            }
            let body_required = op["requestBody"]["content"]["application/json"]
                .get("schema")
                .map(|schema| required_of(follow(spec, schema)));
            out.insert(
                op["operationId"].as_str().expect("operationId").to_owned(),
                Takes {
                    params: params
                        .into_iter()
                        .map(|((name, location), (required, values))| {
                            (name, location, required, values)
                        })
                        .collect(),
                    body_required,
                },
            );
        }
    }
    out
}

/// Follows `$ref`s; a dangling one is a broken spec, so the test fails.
pub fn follow<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    while let Some(target) = value.get("$ref").and_then(Value::as_str) {
        value = spec
            .pointer(target.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {target}"));
    }
    value
}

/// The sorted top-level `required` of a JSON schema.
pub fn required_of(schema: &Value) -> Vec<String> {
    let mut required: Vec<String> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    required.sort();
    required
}
