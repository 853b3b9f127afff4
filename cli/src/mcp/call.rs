//! One tool call: arguments checked against the operation's input schema
//! (from the catalog) before anything is sent, the request built and sent
//! through the library (auth, retries, pacing, typed errors), the answer
//! trimmed to what the agent asked for and to a size bound.

use futures_util::StreamExt;
use incidentio::catalog::OperationInfo;
use serde_json::{Map, Value, json};

use crate::error::CliError;

/// The argument naming dot paths to keep in the result.
pub const FIELDS_ARG: &str = "fields";
/// The argument bounding how many items a list call returns.
pub const LIMIT_ARG: &str = "limit";

/// What the server allows and how much it returns.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Operations that change data may be called.
    pub allow_writes: bool,
    /// Writes return the request they would send instead of sending it.
    pub dry_run: bool,
    /// The largest result, in bytes of JSON, before a list is cut.
    pub max_result_bytes: usize,
}

/// Why a call did not produce a result.
#[derive(Debug)]
pub enum Failure {
    /// An argument is wrong: nothing was sent.
    Argument {
        /// The argument (a dotted path into `body` for a body field).
        argument: String,
        /// What is wrong with it.
        message: String,
    },
    /// The server's policy refuses the call: nothing was sent.
    Refused(String),
    /// The request failed (the API's error, a timeout, …).
    Request(CliError),
}

impl Failure {
    fn argument(argument: impl Into<String>, message: impl Into<String>) -> Self {
        Failure::Argument {
            argument: argument.into(),
            message: message.into(),
        }
    }

    /// The failure as the JSON an agent reads (`isError` results).
    pub fn to_json(&self) -> Value {
        match self {
            Failure::Argument { argument, message } => json!({
                "type": "invalid_argument",
                "argument": argument,
                "message": message,
                "retryable": false,
                "sent": false,
            }),
            Failure::Refused(message) => json!({
                "type": "refused",
                "message": message,
                "retryable": false,
                "sent": false,
            }),
            Failure::Request(error) => {
                let mut out = error.to_json();
                if let Value::Object(map) = &mut out {
                    map.remove("exit_code");
                }
                out
            }
        }
    }
}

/// Whether a tool of this operation gets the `limit` argument.
pub fn takes_limit(op: &OperationInfo) -> bool {
    op.pagination.is_some() && op.parameter(LIMIT_ARG).is_none()
}

/// Whether a tool of this operation gets the `fields` argument.
pub fn takes_fields(op: &OperationInfo) -> bool {
    op.parameter(FIELDS_ARG).is_none()
}

/// The tool's input schema: the catalog's, plus `fields` and `limit`, with
/// the body's examples left out: they were 44% of `tools/list` for every
/// toolset with writes (817 KB with them, 457 KB without; measured with
/// cli/examples/mcp_cost.rs), and `describe_operation` still gives an
/// agent the body's example whole.
pub fn input_schema(op: &OperationInfo) -> Value {
    let mut schema = op.input_schema();
    if let Some(body) = schema["properties"].get_mut(incidentio::catalog::BODY_PROPERTY) {
        drop_examples(body);
    }
    if let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut) {
        defs.values_mut().for_each(drop_examples);
    }
    if let Some(properties) = schema["properties"].as_object_mut() {
        if takes_fields(op) {
            properties.insert(
                FIELDS_ARG.into(),
                json!({
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Only these fields of the result (dot paths, such as `id` or `severity.name`; for a list, of each item).",
                }),
            );
        }
        if takes_limit(op) {
            properties.insert(
                LIMIT_ARG.into(),
                json!({
                    "type": "integer",
                    "minimum": 1,
                    "description": "Return at most this many items, walking pages as needed; the result carries `next_cursor` (pass it as `after`) when there are more.",
                }),
            );
        }
    }
    schema
}

/// Removes the `example` keyword from a JSON Schema and the schemas within
/// it (descending only where the keywords hold schemas, so a property
/// *named* `example` stays).
fn drop_examples(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    map.remove("example");
    for (keyword, value) in map.iter_mut() {
        match keyword.as_str() {
            "properties" | "$defs" | "definitions" | "patternProperties" => {
                if let Some(children) = value.as_object_mut() {
                    children.values_mut().for_each(drop_examples);
                }
            }
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                if let Some(children) = value.as_array_mut() {
                    children.iter_mut().for_each(drop_examples);
                }
            }
            "items" | "additionalProperties" | "not" => drop_examples(value),
            _ => {}
        }
    }
}

/// Calls `op` with `args`: the library checks them and builds the request
/// (the same builder as the command line's flags and `--each` lines).
pub async fn call(
    client: &incidentio::Client,
    op: &'static OperationInfo,
    mut args: Map<String, Value>,
    policy: &Policy,
) -> Result<Value, Failure> {
    let is_read = op.is_read();
    if !is_read && !policy.allow_writes {
        return Err(Failure::Refused(format!(
            "{} is a {} (it changes data); this server is read-only: start it with --allow-writes",
            op.operation.method_name, op.operation.method
        )));
    }
    let fields = take_fields(op, &mut args)?;
    let limit = take_limit(op, &mut args)?;
    let built = op.request(&args).map_err(|e| Failure::Argument {
        argument: e.argument,
        message: e.message,
    })?;
    let request = built.to_raw(client);
    if !is_read && policy.dry_run {
        let preview = request.preview().map_err(|e| Failure::Request(e.into()))?;
        return Ok(json!({
            "dry_run": true,
            "request": preview.to_string(),
            "body": built.body,
        }));
    }
    let mut result = match (limit, op.pagination) {
        (Some(limit), Some(pagination)) => {
            let field = pagination.items_field;
            let mut pages = request.paginate(Some(field.to_owned())).pages();
            let mut items = Vec::new();
            let mut next = None;
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| Failure::Request(e.into()))?;
                let room = limit.saturating_sub(items.len());
                let cut = page.items.len() > room;
                items.extend(page.items.into_iter().take(room));
                next = if cut {
                    last_id(&items)
                } else {
                    page.after.filter(|a| !a.is_empty())
                };
                if items.len() >= limit || next.is_none() {
                    break;
                }
            }
            let mut out = Map::new();
            out.insert(field.to_owned(), Value::Array(items));
            out.insert(
                "next_cursor".into(),
                next.map_or(Value::Null, Value::String),
            );
            Value::Object(out)
        }
        _ => {
            let response = request
                .send()
                .await
                .map_err(|e| Failure::Request(e.into()))?;
            if response.body().is_empty() {
                json!({"status": response.status().as_u16()})
            } else {
                response
                    .json::<Value>()
                    .map_err(|e| Failure::Request(e.into()))?
            }
        }
    };
    if let Some(key) = &built.generated_key {
        result = json!({"result": result, "generated_replay_key": key.value});
    }
    let items_field = op.pagination.map(|p| p.items_field);
    if let Some(fields) = &fields {
        project(&mut result, items_field, fields);
    }
    bound(&mut result, items_field, policy.max_result_bytes)?;
    Ok(result)
}

/// Takes the `fields` argument (dot paths to keep) out of `args`.
fn take_fields(
    op: &OperationInfo,
    args: &mut Map<String, Value>,
) -> Result<Option<Vec<String>>, Failure> {
    match takes_fields(op).then(|| args.remove(FIELDS_ARG)).flatten() {
        None => Ok(None),
        Some(Value::Array(list)) => list
            .into_iter()
            .map(|v| match v {
                Value::String(s) if !s.is_empty() => Ok(s),
                _ => Err(Failure::argument(FIELDS_ARG, "must be a list of dot paths")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(Failure::argument(FIELDS_ARG, "must be a list of dot paths")),
    }
}

/// Takes the `limit` argument (items to return, walking pages) out of
/// `args`.
fn take_limit(op: &OperationInfo, args: &mut Map<String, Value>) -> Result<Option<usize>, Failure> {
    match takes_limit(op).then(|| args.remove(LIMIT_ARG)).flatten() {
        None => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => Ok(Some(usize::try_from(n).unwrap_or(usize::MAX))),
            _ => Err(Failure::argument(
                LIMIT_ARG,
                "must be a whole number of at least 1",
            )),
        },
    }
}

/// The `id` of the last item: the cursor after it (the API's `after` is a
/// record's ID).
fn last_id(items: &[Value]) -> Option<String> {
    items.last()?.get("id")?.as_str().map(str::to_owned)
}

/// Keeps only `fields` (dot paths) of the result, or of each item of a list.
fn project(result: &mut Value, items_field: Option<&str>, fields: &[String]) {
    let pick = |value: &Value| -> Value {
        let mut out = Value::Object(Map::new());
        for field in fields {
            let mut source = value;
            let mut found = true;
            for part in field.split('.') {
                match source.get(part) {
                    Some(next) => source = next,
                    None => {
                        found = false;
                        break;
                    }
                }
            }
            if !found {
                continue;
            }
            let mut target = &mut out;
            let parts: Vec<&str> = field.split('.').collect();
            for part in &parts[..parts.len() - 1] {
                target = target
                    .as_object_mut()
                    .map(|m| m.entry(*part).or_insert_with(|| json!({})))
                    .expect("an object");
            }
            if let Some(map) = target.as_object_mut() {
                map.insert(parts[parts.len() - 1].to_owned(), source.clone());
            }
        }
        out
    };
    let list = items_field
        .and_then(|f| result.get_mut(f))
        .and_then(Value::as_array_mut);
    match list {
        Some(items) => {
            for item in items.iter_mut() {
                *item = pick(item);
            }
        }
        None => *result = pick(result),
    }
}

/// Cuts a list result between items to `max` bytes, saying so with the
/// cursor to continue; a result that is not a list and is too large is an
/// error that says how to ask for less. Never cuts inside the JSON.
fn bound(result: &mut Value, items_field: Option<&str>, max: usize) -> Result<(), Failure> {
    let size = serde_json::to_string(result).map_or(0, |s| s.len());
    if size <= max {
        return Ok(());
    }
    let Some(items) = items_field
        .and_then(|f| result.get_mut(f))
        .and_then(Value::as_array_mut)
    else {
        return Err(Failure::Refused(format!(
            "the result is {size} bytes, over this server's bound of {max}: ask for less with `fields`"
        )));
    };
    let total = items.len();
    let mut used = 0;
    let mut keep = 0;
    for item in items.iter() {
        let len = serde_json::to_string(item).map_or(0, |s| s.len()) + 1;
        if used + len > max.saturating_sub(512) {
            break;
        }
        used += len;
        keep += 1;
    }
    items.truncate(keep);
    let next = last_id(items);
    if let Value::Object(map) = result {
        map.insert(
            "truncated".into(),
            json!({
                "returned": keep,
                "of": total,
                "reason": format!("the result was {size} bytes, over the bound of {max}"),
                "next_cursor": next,
            }),
        );
        map.insert(
            "next_cursor".into(),
            next.map_or(Value::Null, Value::String),
        );
    }
    Ok(())
}
