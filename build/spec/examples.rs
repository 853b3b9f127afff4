//! The spec's examples as Rust literals: each operation's required
//! parameters and request body, for the compiled documentation examples
//! and the conformance calls (test support), which must agree.

use serde_json::Value;

use super::{OperationRef, Parameter, method_name};

/// Every required (path or query) parameter of `op` as `(setter, literal)`,
/// the literal a Rust expression of the spec's example (also used by the
/// doc examples, `doc_examples.rs`).
pub fn required_params(
    spec: &Value,
    op: &OperationRef<'_>,
) -> Result<Vec<(String, String)>, String> {
    required_param_literals(&super::parameters(spec, op))
}

/// [`required_params`] of parameters already read.
pub fn required_param_literals(
    parameters: &[Parameter<'_>],
) -> Result<Vec<(String, String)>, String> {
    let mut params = Vec::new();
    for param in parameters {
        if !param.required || !matches!(param.location, "path" | "query") {
            continue;
        }
        let name = param.name;
        let example = param
            .example()
            .ok_or_else(|| format!("no example for required parameter `{name}`"))?;
        let literal = match example {
            Value::String(s) => format!("{s:?}"),
            Value::Number(n) if n.as_u64().is_some() => format!("{n}u64"),
            Value::Number(n) => format!("{n}"),
            Value::Bool(b) => b.to_string(),
            other => return Err(format!("example of `{name}` is not a scalar: {other}")),
        };
        params.push((method_name(name), literal));
    }
    Ok(params)
}

/// The request body of `op` as `(type name in `types`, example)`, `None`
/// when it takes no body. The body and its example are
/// [`super::request_body`]'s (a `$ref`ed body resolved; the media type's
/// example, else the schema's), as the catalog reads them.
pub fn request_example<'a>(
    spec: &'a Value,
    op: &'a Value,
) -> Result<Option<(String, &'a Value)>, String> {
    if !super::has_request_body(op) {
        return Ok(None);
    }
    let body = super::request_body(spec, op).ok_or("request body is not JSON")?;
    let example = body.example.ok_or("no request body example")?;
    let type_name = super::schema_ref_name(body.schema)
        .map(super::type_name)
        .ok_or("request body schema is not a component")?;
    Ok(Some((type_name, example)))
}

/// `s` as a Rust raw string literal, its `#` delimiter long enough.
pub fn raw_string(s: &str) -> String {
    let hashes = "#".repeat(s.matches('"').count().min(1) + count_hash_runs(s));
    format!("r{hashes}\"{s}\"{hashes}")
}

/// The longest run of `#` following a `"` in `s`, so the raw string
/// delimiter can be longer.
fn count_hash_runs(s: &str) -> usize {
    s.split('"')
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| *c == '#').count())
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::spec::operation_refs;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "paths": {"/v1/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "example": "01ABC",
                                "schema": {"type": "string"}}],
                "post": {
                    "operationId": "Things V1#Update",
                    "parameters": [
                        {"name": "count", "in": "query", "required": true,
                         "schema": {"type": "integer", "example": 3}},
                        {"name": "ratio", "in": "query", "required": true, "example": 0.5,
                         "schema": {"type": "number"}},
                        {"name": "dry_run", "in": "query", "required": true, "example": false,
                         "schema": {"type": "boolean"}},
                        {"name": "optional", "in": "query", "schema": {"type": "string"}},
                        {"name": "X-Key", "in": "header", "required": true, "example": "k",
                         "schema": {"type": "string"}},
                    ],
                    "requestBody": {"$ref": "#/components/requestBodies/Update"},
                },
                "get": {
                    "operationId": "Things V1#Show",
                    "parameters": [{"name": "filter", "in": "query", "required": true,
                                    "example": {"one_of": ["a"]}, "schema": {"type": "object"}}],
                },
            }},
            "components": {
                "requestBodies": {"Update": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/update_payload_v1"}}}}},
                "schemas": {"update_payload_v1": {"type": "object", "example": {"name": "x"}}},
            },
        })
    }

    #[test]
    fn required_path_and_query_parameters_become_literals() {
        let spec = spec();
        let ops = operation_refs(&spec);
        let update = ops.iter().find(|op| op.method == "post").unwrap();
        assert_eq!(
            required_params(&spec, update).unwrap(),
            [
                ("id".to_owned(), "\"01ABC\"".to_owned()),
                ("count".to_owned(), "3u64".to_owned()),
                ("ratio".to_owned(), "0.5".to_owned()),
                ("dry_run".to_owned(), "false".to_owned()),
            ]
        );
        let show = ops.iter().find(|op| op.method == "get").unwrap();
        let error = required_params(&spec, show).unwrap_err();
        assert!(
            error.contains("example of `filter` is not a scalar"),
            "{error}"
        );
    }

    #[test]
    fn a_request_example_resolves_the_body_and_names_its_type() {
        let spec = spec();
        let ops = operation_refs(&spec);
        let update = ops.iter().find(|op| op.method == "post").unwrap();
        let (type_name, example) = request_example(&spec, update.op).unwrap().unwrap();
        assert_eq!(type_name, "UpdatePayloadV1");
        assert_eq!(example, &json!({"name": "x"}));
        let show = ops.iter().find(|op| op.method == "get").unwrap();
        assert_eq!(request_example(&spec, show.op), Ok(None));
        let form = json!({"requestBody": {"content": {"multipart/form-data": {}}}});
        assert_eq!(
            request_example(&spec, &form),
            Err("request body is not JSON".to_owned())
        );
    }

    #[test]
    fn raw_strings_outlast_their_content() {
        assert_eq!(raw_string("plain"), "r\"plain\"");
        assert_eq!(raw_string(r#"{"a":1}"#), "r#\"{\"a\":1}\"#");
        assert_eq!(raw_string(r##"say "#hi""##), "r##\"say \"#hi\"\"##");
    }
}
