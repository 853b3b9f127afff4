//! The tools: one per operation of the enabled toolsets, and three that
//! reach every operation (`search_operations`, `describe_operation`,
//! `call_operation`), all made at run time from the library's catalog.

use std::sync::Arc;

use incidentio::catalog::{self, OperationInfo, ParamStyle};
use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use super::call;

/// Finds operations by words.
pub const SEARCH: &str = "search_operations";
/// One operation's whole input schema.
pub const DESCRIBE: &str = "describe_operation";
/// Calls any operation by name.
pub const CALL: &str = "call_operation";

/// The longest tool name many clients accept.
pub const MAX_NAME: usize = 64;

/// The longest description of an operation without a summary.
const MAX_DESCRIPTION: usize = 200;

/// The tool's name: the generated method's (`incidents_v2_list`), cut to
/// [`MAX_NAME`].
pub fn tool_name(op: &OperationInfo) -> &'static str {
    let name = op.operation.method_name;
    &name[..name.len().min(MAX_NAME)]
}

/// The tool of one operation.
pub fn operation_tool(op: &OperationInfo) -> Tool {
    let mut tool = Tool::new(
        tool_name(op),
        description(op),
        as_object(call::input_schema(op)),
    );
    // No `title`: the description opens with the summary it would repeat.
    tool.annotations = Some(annotations(op));
    tool
}

/// Hints from the method: reads are read-only and idempotent; deletes and
/// edits destructive; `PUT`, `DELETE` and creates carrying their
/// idempotency field idempotent.
pub fn annotations(op: &OperationInfo) -> ToolAnnotations {
    let method = op.operation.method.to_ascii_uppercase();
    let read = op.is_read();
    let destructive = matches!(method.as_str(), "DELETE" | "PUT" | "PATCH")
        || (method == "POST" && op.operation.path.contains("/actions/"));
    let idempotent = matches!(method.as_str(), "GET" | "PUT" | "DELETE")
        || op.operation.idempotency_key.is_some();
    // The title is the tool's own `title` (MCP 2025-06-18 on); said once.
    // The destructive and idempotent hints mean something only for a tool
    // that writes, so a read leaves them out.
    let hints = ToolAnnotations::new().read_only(read).open_world(true);
    if read {
        hints
    } else {
        hints.destructive(destructive).idempotent(idempotent)
    }
}

/// What helps a model choose the tool, and no more: the summary, for an
/// operation with filters one line on their syntax, and what replaces a
/// deprecated operation. The whole description is in
/// `describe_operation`.
pub fn description(op: &OperationInfo) -> String {
    let mut out = op.summary.trim().to_owned();
    if out.is_empty() {
        out = super::schema::first_sentences(op.description, MAX_DESCRIPTION);
    }
    let filters: Vec<&str> = op
        .parameters
        .iter()
        .filter(|p| p.style != ParamStyle::Plain)
        .map(|p| p.name)
        .collect();
    if !filters.is_empty() {
        out.push_str(&format!(
            "\nFilters ({}) take {{\"operator\": [values]}}.",
            filters.join(", ")
        ));
    }
    if op.operation.deprecated {
        out.push_str(&match op.replacement {
            Some(id) => format!(
                "\nDeprecated: use {}.",
                catalog::by_id(id).map_or(id, |r| r.operation.method_name)
            ),
            None => "\nDeprecated.".to_owned(),
        });
    }
    out
}

/// The three tools that reach every operation.
pub fn meta_tools(allow_writes: bool) -> Vec<Tool> {
    let mut search = Tool::new(
        SEARCH,
        "Find incident.io API operations by words (\"declare an incident\", \"on-call schedule\"): the best matches, each with its name, method, path and summary. Then describe_operation for its arguments, and call it (or call_operation).",
        as_object(json!({
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "Words describing what to do."},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50, "description": "How many matches (default 8)."},
            },
            "required": ["query"],
            "additionalProperties": false,
        })),
    );
    search.annotations = Some(
        ToolAnnotations::with_title("Search operations")
            .read_only(true)
            .idempotent(true)
            .open_world(false),
    );
    let mut describe = Tool::new(
        DESCRIBE,
        "One incident.io API operation in full: its method, path, description, the JSON Schema of its arguments (path, query and header parameters, and `body`) as call_operation takes them, and its response's shape and a trimmed example, to write `jq` or `fields` before the first call.",
        as_object(json!({
            "type": "object",
            "properties": {
                "operation": {"type": "string", "description": "The operation's name, such as incidents_v2_list (from search_operations)."},
            },
            "required": ["operation"],
            "additionalProperties": false,
        })),
    );
    describe.annotations = Some(
        ToolAnnotations::with_title("Describe an operation")
            .read_only(true)
            .idempotent(true)
            .open_world(false),
    );
    let mut call = Tool::new(
        CALL,
        if allow_writes {
            "Call any incident.io API operation by name with its arguments (as describe_operation gives them); the arguments are checked before anything is sent."
        } else {
            "Call any incident.io API operation that reads (GET) by name with its arguments (as describe_operation gives them); the arguments are checked before anything is sent. This server is read-only: other operations are refused."
        },
        as_object(json!({
            "type": "object",
            "properties": {
                "operation": {"type": "string", "description": "The operation's name, such as incidents_v2_show."},
                "arguments": {"type": "object", "description": "Its arguments, as describe_operation lists them."},
                "jq": call::jq_schema(),
            },
            "required": ["operation"],
            "additionalProperties": false,
        })),
    );
    call.annotations = Some(
        ToolAnnotations::with_title("Call an operation")
            .read_only(!allow_writes)
            .destructive(allow_writes)
            .open_world(true),
    );
    vec![search, describe, call]
}

/// `describe_operation`'s answer.
pub fn describe_json(op: &OperationInfo) -> Value {
    json!({
        "operation": op.operation.method_name,
        "id": op.operation.id,
        "method": op.operation.method,
        "path": op.operation.path,
        "summary": op.summary,
        "description": op.description,
        "deprecated": op.operation.deprecated,
        "replacement": op.replacement.and_then(catalog::by_id).map(|r| r.operation.method_name),
        "paginated": op.pagination.is_some(),
        "replay_key": op.operation.idempotency_key,
        "input_schema": call::input_schema(op),
        "body_example": op.body.and_then(|b| b.example()),
        "response": {
            "shape": op.response_shape(),
            "items_field": op.pagination.map(|p| p.items_field),
            "example": incidentio::mock::example_response(op.operation.method_name)
                .map(|example| trimmed(&example, EXAMPLE_DEPTH)),
        },
    })
}

/// How deep `describe_operation`'s response example goes.
const EXAMPLE_DEPTH: usize = 6;

/// An example cut to show its shape: each array to its first item, long
/// strings to [`EXAMPLE_TEXT`] characters, objects past `depth` to `{}`.
fn trimmed(value: &Value, depth: usize) -> Value {
    match value {
        Value::Object(map) if depth == 0 && !map.is_empty() => json!({}),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), trimmed(v, depth - 1)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .first()
                .map(|first| trimmed(first, depth))
                .into_iter()
                .collect(),
        ),
        Value::String(text) if text.chars().count() > EXAMPLE_TEXT => Value::String(format!(
            "{}…",
            text.chars().take(EXAMPLE_TEXT).collect::<String>()
        )),
        other => other.clone(),
    }
}

/// The longest string of a trimmed example.
const EXAMPLE_TEXT: usize = 80;

/// A JSON object for rmcp's schema fields.
pub fn as_object(value: Value) -> Arc<Map<String, Value>> {
    Arc::new(match value {
        Value::Object(map) => map,
        _ => Map::new(),
    })
}
