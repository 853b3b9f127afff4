//! What the MCP server hands a model fits its budget: a lean, portable
//! tool list, `jq` on reads, results bounded with what was left out said,
//! and response shapes to write `jq` or `fields` against.

use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::common::SECRET;
use crate::mcp::Session;

/// The bound on the default toolsets' `tools/list`, in bytes of JSON:
/// about 10k tokens at four bytes a token.
const TOOL_LIST_BUDGET: usize = 40_000;

/// The default bound on a result, as `mcp --help` states it.
const DEFAULT_RESULT_BOUND: usize = 80_000;

fn contains_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| k == key || contains_key(v, key)),
        Value::Array(items) => items.iter().any(|v| contains_key(v, key)),
        _ => false,
    }
}

#[test]
fn the_default_tool_list_fits_and_no_schema_has_a_reference() {
    let mut session = Session::start(&["--mock", "mcp"], None);
    let tools = session.tools();
    let size = serde_json::to_string(&tools).unwrap().len();
    assert!(
        size <= TOOL_LIST_BUDGET,
        "tools/list is {size} bytes, over {TOOL_LIST_BUDGET}"
    );
    // Every tool of every toolset, writes included: no `$ref`, no `$defs`.
    let mut all = Session::start(
        &["--mock", "mcp", "--toolsets", "all", "--allow-writes"],
        None,
    );
    let tools = all.tools();
    assert!(tools.len() > 150, "{}", tools.len());
    for tool in &tools {
        for key in ["$ref", "$defs"] {
            assert!(
                !contains_key(&tool["inputSchema"], key),
                "{} has {key}",
                tool["name"]
            );
        }
    }
    // A recursive body is cut with a description saying where.
    let paths = tools
        .iter()
        .find(|t| t["name"] == "escalations_v2_create_path")
        .expect("a tool with a recursive body");
    let schema = paths["inputSchema"].to_string();
    assert!(schema.contains("cut here"), "{} bytes", schema.len());
}

#[test]
fn jq_runs_on_reads_and_a_bad_expression_sends_nothing() {
    let server = MockServer::start();
    let incidents: Vec<Value> = (0..3)
        .map(|i| json!({"id": format!("inc-{i}"), "name": format!("Incident {i}")}))
        .collect();
    let list = server.mock(|when, then| {
        when.method(GET).path("/v2/incidents");
        then.status(200)
            .json_body(json!({"incidents": incidents, "pagination_meta": {"page_size": 25}}));
    });
    let base = server.base_url();
    let mut session = Session::start(&["--base-url", &base, "mcp"], Some(SECRET));

    let result = session.call("incidents_v2_list", json!({"jq": "[.incidents[].name]"}));
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(
        result["structuredContent"]["results"],
        json!([["Incident 0", "Incident 1", "Incident 2"]])
    );
    // With `limit`, on each item.
    let result = session.call("incidents_v2_list", json!({"jq": ".id", "limit": 2}));
    assert_eq!(
        result["structuredContent"]["results"],
        json!(["inc-0", "inc-1"]),
        "{result}"
    );
    // Beside `operation` and `arguments` for call_operation.
    let result = session.call(
        "call_operation",
        json!({"operation": "incidents_v2_list", "arguments": {}, "jq": ".incidents | length"}),
    );
    assert_eq!(
        result["structuredContent"]["results"],
        json!([3]),
        "{result}"
    );
    let sent = list.calls();

    let result = session.call("incidents_v2_list", json!({"jq": ".incidents[] | {id"}));
    assert_eq!(result["isError"], true, "{result}");
    assert_eq!(result["structuredContent"]["argument"], "jq", "{result}");
    assert_eq!(list.calls(), sent, "a bad expression sends nothing");
}

#[test]
fn a_large_page_is_cut_to_the_budget_and_says_how_to_get_the_rest() {
    let example = incidentio::mock::example_response("incidents_v2_show").expect("an example");
    let incidents: Vec<Value> = (0..250)
        .map(|i| {
            let mut incident = example["incident"].clone();
            incident["id"] = json!(format!("01HX{i:06}"));
            incident
        })
        .collect();
    let page = json!({"incidents": incidents, "pagination_meta": {"page_size": 250, "after": "01HX000249"}});
    let page_size = page.to_string().len();
    assert!(page_size > DEFAULT_RESULT_BOUND * 2, "{page_size}");
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/v2/incidents");
        then.status(200).json_body(page);
    });
    let base = server.base_url();
    let mut session = Session::start(&["--base-url", &base, "mcp"], Some(SECRET));
    let result = session.call("incidents_v2_list", json!({"page_size": 250}));
    assert_eq!(result["isError"], false, "{result}");
    let text = result["content"][0]["text"].as_str().expect("text");
    assert!(text.len() <= DEFAULT_RESULT_BOUND, "{} bytes", text.len());
    let content: Value = serde_json::from_str(text).expect("valid JSON");
    assert_eq!(content, result["structuredContent"]);
    let kept = content["incidents"].as_array().expect("items");
    let truncated = &content["truncated"];
    assert_eq!(truncated["returned"], kept.len());
    assert_eq!(truncated["of"], 250);
    assert!(!kept.is_empty() && kept.len() < 250);
    assert_eq!(content["next_cursor"], kept.last().unwrap()["id"]);
    assert!(
        truncated["how"].as_str().unwrap().contains("jq"),
        "{truncated}"
    );

    // Asking for less brings everything.
    let result = session.call(
        "incidents_v2_list",
        json!({"page_size": 250, "jq": ".incidents[].id"}),
    );
    assert_eq!(
        result["structuredContent"]["results"]
            .as_array()
            .map(Vec::len),
        Some(250)
    );
}

#[test]
fn a_large_single_answer_has_its_largest_array_cut_by_path() {
    let entries: Vec<Value> = (0..400)
        .map(|i| json!({"custom_field": {"id": format!("cf-{i}"), "name": "x".repeat(200)}}))
        .collect();
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/v2/incidents/inc-1");
        then.status(200).json_body(
            json!({"incident": {"id": "inc-1", "name": "Big", "custom_field_entries": entries}}),
        );
    });
    let base = server.base_url();
    let mut session = Session::start(
        &["--base-url", &base, "mcp", "--max-result-bytes", "20000"],
        Some(SECRET),
    );
    let result = session.call("incidents_v2_show", json!({"id": "inc-1"}));
    assert_eq!(result["isError"], false, "{result}");
    let content = &result["structuredContent"];
    assert!(content.to_string().len() <= 20_000);
    assert_eq!(content["incident"]["name"], "Big");
    let cut = &content["truncated"]["cut"][0];
    assert_eq!(cut["path"], "incident.custom_field_entries");
    assert_eq!(cut["of"], 400);
    assert_eq!(
        cut["returned"],
        content["incident"]["custom_field_entries"]
            .as_array()
            .unwrap()
            .len()
    );
}

#[test]
fn describe_operation_gives_the_response_shape_and_a_trimmed_example() {
    let mut session = Session::start(&["--mock", "mcp"], None);
    let result = session.call(
        "describe_operation",
        json!({"operation": "incidents_v2_list"}),
    );
    let response = &result["structuredContent"]["response"];
    assert_eq!(response["items_field"], "incidents");
    let item = &response["shape"]["incidents"][0];
    assert_eq!(item["id"], "string");
    assert!(
        item["created_at"].as_str().unwrap().contains("date-time"),
        "{item}"
    );
    assert!(item["severity"].is_object(), "{item}");
    let example = &response["example"]["incidents"];
    assert_eq!(example.as_array().map(Vec::len), Some(1), "{example}");
    // The shape names what the example holds.
    for key in example[0].as_object().unwrap().keys() {
        assert!(item.get(key).is_some(), "{key} is not in the shape");
    }
}
