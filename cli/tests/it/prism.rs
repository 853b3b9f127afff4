//! Every operation through the binary against Prism serving the spec
//! (`.ci/conformance` starts it and sets `INCIDENTIO_PRISM_STATIC_URL`).
//! Prism validates each request against the spec and answers a violation
//! with a 422, so exit 0 for every command proves each sends what the spec
//! asks for; and every GET through the MCP server's `call_operation`.
//! Ignored in a plain `cargo test`.

use serde_json::{Map, Value, json};

use crate::common::{run, spec_operation_ids, stdout};
use crate::every_operation::{param_value, required_params, run_every_operation};
use crate::mcp::Session;

#[test]
#[ignore = "needs Prism: run .ci/conformance"]
fn every_operation_against_prism() {
    let url = std::env::var("INCIDENTIO_PRISM_STATIC_URL")
        .expect("INCIDENTIO_PRISM_STATIC_URL (run .ci/conformance)");
    let report = run_every_operation(&["--base-url", &url, "--no-retry"], Some("prism-test-key"));
    for f in &report.fallbacks {
        eprintln!("fell back to a minimal body: {f}");
    }
    eprintln!(
        "{} of {} operations passed against Prism",
        report.ran,
        spec_operation_ids().len()
    );
    assert!(
        report.failures.is_empty(),
        "{} failed:\n{}",
        report.failures.len(),
        report.failures.join("\n")
    );
    assert_eq!(report.ran, spec_operation_ids().len());
}

/// Every GET operation through the MCP server's `call_operation` against
/// Prism: the arguments an agent would pass (each required parameter, as
/// its JSON type), no request that Prism rejects, every result JSON.
#[test]
#[ignore = "needs Prism: run .ci/conformance"]
fn every_get_through_mcp_call_operation_against_prism() {
    let url = std::env::var("INCIDENTIO_PRISM_STATIC_URL")
        .expect("INCIDENTIO_PRISM_STATIC_URL (run .ci/conformance)");
    let described: Value = serde_json::from_str(&stdout(&run(&["describe"]))).expect("describe");
    let gets: Vec<&Value> = described
        .as_array()
        .expect("an array")
        .iter()
        .filter(|op| op["method"] == "GET")
        .collect();
    let mut session = Session::start(
        &["--base-url", &url, "--no-retry", "mcp"],
        Some("prism-test-key"),
    );
    let mut failures = Vec::new();
    for op in &gets {
        let mut arguments = Map::new();
        for p in required_params(op) {
            let text = param_value(p);
            let value = match p["type"].as_str() {
                Some("integer") => json!(text.parse::<i64>().expect("an integer example")),
                _ => json!(text),
            };
            arguments.insert(p["name"].as_str().expect("name").to_owned(), value);
        }
        let name = op["method_name"].as_str().expect("method_name");
        let result = session.call(
            "call_operation",
            json!({"operation": name, "arguments": arguments}),
        );
        // The answer as text is JSON; `structuredContent` (an object by
        // the protocol) carries it whenever it is an object.
        let text = result["content"][0]["text"].as_str().unwrap_or_default();
        let parsed = serde_json::from_str::<Value>(text);
        let structured_ok = match &parsed {
            Ok(value) if value.is_object() => result["structuredContent"].is_object(),
            _ => result.get("structuredContent").is_none(),
        };
        if result["isError"] != false || parsed.is_err() || !structured_ok {
            failures.push(format!("{name} {arguments:?}: {result}"));
        }
    }
    eprintln!(
        "{} of {} GET operations passed through call_operation against Prism",
        gets.len() - failures.len(),
        gets.len()
    );
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(!gets.is_empty());
}
