//! The tools: one per operation of the enabled toolsets, and three that
//! reach every operation (`search_operations`, `describe_operation`,
//! `call_operation`), all made at run time from the library's catalog.

use std::collections::BTreeSet;
use std::sync::Arc;

use incidentio::catalog::{self, OperationInfo};
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

/// The longest description a per-operation tool carries.
const MAX_DESCRIPTION: usize = 1200;

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
    tool.title = Some(if op.summary.is_empty() {
        op.operation.id.to_owned()
    } else {
        op.summary.to_owned()
    });
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
    ToolAnnotations::with_title(if op.summary.is_empty() {
        op.operation.id
    } else {
        op.summary
    })
    .read_only(read)
    .destructive(!read && destructive)
    .idempotent(idempotent)
    .open_world(true)
}

/// The summary, then the description up to [`MAX_DESCRIPTION`] characters
/// cut at a paragraph (the filter syntax the list operations describe is
/// in their first paragraphs), then what replaces a deprecated operation.
pub fn description(op: &OperationInfo) -> String {
    let mut out = op.summary.trim().to_owned();
    let mut budget = MAX_DESCRIPTION.saturating_sub(out.len());
    for paragraph in op.description.split("\n\n") {
        let paragraph = paragraph.trim();
        if paragraph.is_empty() {
            continue;
        }
        if paragraph.len() + 2 > budget {
            break;
        }
        budget -= paragraph.len() + 2;
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(paragraph);
    }
    if op.operation.deprecated {
        out.push_str(&match op.replacement {
            Some(id) => format!(
                "\n\nDeprecated: use {}.",
                catalog::by_id(id).map_or(id, |r| r.operation.method_name)
            ),
            None => "\n\nDeprecated.".to_owned(),
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
        "One incident.io API operation in full: its method, path, description and the JSON Schema of its arguments (path and query parameters, and `body`), as call_operation takes them.",
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
    })
}

/// Words a person uses for what the spec says otherwise.
const SYNONYMS: &[(&str, &[&str])] = &[
    ("declare", &["create"]),
    ("raise", &["create"]),
    ("open", &["create"]),
    ("start", &["create"]),
    ("new", &["create"]),
    ("add", &["create"]),
    ("get", &["show", "list"]),
    ("fetch", &["show", "list"]),
    ("find", &["list", "show"]),
    ("read", &["show", "list"]),
    ("remove", &["delete", "destroy"]),
    ("delete", &["destroy"]),
    ("change", &["update", "edit"]),
    ("modify", &["update", "edit"]),
    ("close", &["resolve", "update", "edit"]),
    ("page", &["escalation", "escalations"]),
    ("oncall", &["schedule", "schedules"]),
    ("rota", &["schedule", "schedules"]),
    ("me", &["identity"]),
    ("whoami", &["identity"]),
];

const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "for", "to", "in", "on", "my", "all", "and", "with",
];

/// The best matches of `query` among every operation (enabled or not,
/// callable through `call_operation`), best first.
pub fn search(query: &str, limit: usize) -> Vec<Value> {
    let words: Vec<(String, f64)> = query
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(&w.as_str()))
        .flat_map(|word| {
            let mut forms = vec![(stem(&word), 1.0)];
            if let Some((_, also)) = SYNONYMS.iter().find(|(w, _)| *w == word) {
                forms.extend(also.iter().map(|s| (stem(s), 0.8)));
            }
            if word == "on-call" {
                forms.extend([("schedule".to_owned(), 0.8)]);
            }
            forms
        })
        .collect();
    let mut scored: Vec<(f64, &OperationInfo)> = catalog::operations()
        .iter()
        .filter_map(|op| {
            let name: Vec<String> = op.operation.method_name.split('_').map(stem).collect();
            let summary = tokens(op.summary);
            let description = tokens(op.description);
            let mut score = 0.0;
            let mut named = BTreeSet::new();
            for (word, weight) in &words {
                let mut best: f64 = 0.0;
                if name.iter().any(|t| t == word) {
                    best = best.max(3.0);
                    named.insert(word.clone());
                }
                if summary.iter().any(|t| t == word) {
                    best = best.max(2.0);
                }
                if description.iter().any(|t| t == word) {
                    best = best.max(1.0);
                }
                score += best * weight;
            }
            if score == 0.0 {
                return None;
            }
            // Of two names that match as well, the one with fewer other
            // words (`incidents_v2_create` before `incident_roles_v2_create`).
            let words_in_name = name
                .iter()
                .filter(|t| !(t.starts_with('v') && t[1..].bytes().all(|b| b.is_ascii_digit())))
                .count()
                .max(1);
            score += 0.5 * named.len() as f64 / words_in_name as f64;
            if op.operation.deprecated {
                score *= 0.5;
            }
            // Of two versions of a service, the newer first.
            let version = op
                .feature
                .rsplit_once("-v")
                .and_then(|(_, v)| v.parse::<f64>().ok())
                .unwrap_or(0.0);
            Some((score + version * 0.01, op))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .take(limit)
        .map(|(_, op)| {
            json!({
                "operation": op.operation.method_name,
                "method": op.operation.method,
                "path": op.operation.path,
                "summary": op.summary,
                "deprecated": op.operation.deprecated,
            })
        })
        .collect()
}

fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stem(&w.to_lowercase()))
        .collect()
}

/// A crude stem: plurals to singular, so "incidents" meets "incident".
fn stem(word: &str) -> String {
    let word = word.to_lowercase();
    if let Some(base) = word.strip_suffix("ies")
        && base.len() > 2
    {
        return format!("{base}y");
    }
    if let Some(base) = word.strip_suffix('s')
        && base.len() > 2
        && !base.ends_with('s')
    {
        return base.to_owned();
    }
    word
}

/// A JSON object for rmcp's schema fields.
pub fn as_object(value: Value) -> Arc<Map<String, Value>> {
    Arc::new(match value {
        Value::Object(map) => map,
        _ => Map::new(),
    })
}
