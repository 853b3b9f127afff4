//! The spec's examples as Rust literals: each operation's required
//! parameters and request body, for the compiled documentation examples
//! and the conformance calls (test support), which must agree.

use heck::ToPascalCase;
use serde_json::Value;

use super::{OperationRef, method_name};

/// Every required (path or query) parameter of `op` as `(setter, literal)`,
/// the literal a Rust expression of the spec's example (also used by the
/// doc examples, `doc_examples.rs`).
pub fn required_params(
    spec: &Value,
    op: &OperationRef<'_>,
) -> Result<Vec<(String, String)>, String> {
    let mut params = Vec::new();
    for param in super::parameters(spec, op) {
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
/// when it takes no body.
pub fn request_example(op: &Value) -> Result<Option<(String, &Value)>, String> {
    let Some(body) = op.get("requestBody") else {
        return Ok(None);
    };
    let media = body
        .get("content")
        .and_then(|c| c.get("application/json"))
        .ok_or("request body is not JSON")?;
    let example = media.get("example").ok_or("no request body example")?;
    let type_name = media
        .get("schema")
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .ok_or("request body schema is not a component")?
        .to_pascal_case();
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
