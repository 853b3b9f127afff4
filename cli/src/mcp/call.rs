//! One tool call: arguments checked against the operation's input schema
//! (from the catalog) before anything is sent, the request built and sent
//! through the library (auth, retries, pacing, typed errors), the answer
//! trimmed to what the agent asked for and to a size bound.

use futures_util::StreamExt;
use incidentio::catalog::{Location, OperationInfo, ParamStyle};
use incidentio::filter::Filter;
use serde_json::{Map, Value, json};

use crate::error::CliError;
use crate::request::encode_segment;
use crate::schema::simplify;

/// The argument naming dot paths to keep in the result.
pub const FIELDS_ARG: &str = "fields";
/// The argument bounding how many items a list call returns.
pub const LIMIT_ARG: &str = "limit";

/// What the server allows and how much it returns.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Operations other than `GET` may be called.
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

/// Calls `op` with `args`.
pub async fn call(
    client: &incidentio::Client,
    op: &'static OperationInfo,
    args: Map<String, Value>,
    policy: &Policy,
) -> Result<Value, Failure> {
    let is_read = op.operation.method.eq_ignore_ascii_case("GET");
    if !is_read && !policy.allow_writes {
        return Err(Failure::Refused(format!(
            "{} is a {} (it changes data); this server is read-only: start it with --allow-writes",
            op.operation.method_name, op.operation.method
        )));
    }
    let checked = check(op, args)?;
    let method = incidentio::Method::from_bytes(op.operation.method.as_bytes())
        .map_err(|_| Failure::Refused(format!("unknown HTTP method {}", op.operation.method)))?;
    let mut request = client.request(method, &checked.path);
    for (name, value) in &checked.query {
        request = request.query(name.as_str(), value.as_str());
    }
    for (name, filter) in &checked.filters {
        request = request.filter(name, filter);
    }
    if let Some(body) = &checked.body {
        request = request.json(body);
    }
    if !is_read && policy.dry_run {
        let preview = request.preview().map_err(|e| Failure::Request(e.into()))?;
        return Ok(json!({
            "dry_run": true,
            "request": preview.to_string(),
            "body": checked.body,
        }));
    }
    let mut result = match (checked.limit, op.pagination) {
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
    if let Some(key) = &checked.generated_key {
        result = json!({"result": result, "generated_replay_key": key});
    }
    let items_field = op.pagination.map(|p| p.items_field);
    if let Some(fields) = &checked.fields {
        project(&mut result, items_field, fields);
    }
    bound(&mut result, items_field, policy.max_result_bytes)?;
    Ok(result)
}

/// A call's arguments, checked and sorted into the parts of a request.
struct Checked {
    path: String,
    query: Vec<(String, String)>,
    filters: Vec<(String, Filter)>,
    body: Option<Value>,
    fields: Option<Vec<String>>,
    limit: Option<usize>,
    generated_key: Option<String>,
}

/// Checks `args` against the operation: unknown, missing and mistyped
/// arguments are named, and nothing is sent.
fn check(op: &OperationInfo, mut args: Map<String, Value>) -> Result<Checked, Failure> {
    let fields = match takes_fields(op).then(|| args.remove(FIELDS_ARG)).flatten() {
        None => None,
        Some(Value::Array(list)) => Some(
            list.into_iter()
                .map(|v| match v {
                    Value::String(s) if !s.is_empty() => Ok(s),
                    _ => Err(Failure::argument(FIELDS_ARG, "must be a list of dot paths")),
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(_) => return Err(Failure::argument(FIELDS_ARG, "must be a list of dot paths")),
    };
    let limit = match takes_limit(op).then(|| args.remove(LIMIT_ARG)).flatten() {
        None => None,
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
            _ => {
                return Err(Failure::argument(
                    LIMIT_ARG,
                    "must be a whole number of at least 1",
                ));
            }
        },
    };
    let body = args.remove(incidentio::catalog::BODY_PROPERTY);
    if let Some(unknown) = args.keys().find(|name| op.parameter(name).is_none()) {
        let known: Vec<&str> = op.parameters.iter().map(|p| p.name).collect();
        return Err(Failure::argument(
            unknown.clone(),
            format!(
                "{} takes no argument `{unknown}` (it takes: {})",
                op.operation.method_name,
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ),
        ));
    }
    let mut path = op.operation.path.to_owned();
    let mut query = Vec::new();
    let mut filters = Vec::new();
    for param in op.parameters {
        let Some(value) = args.get(param.name) else {
            if param.required {
                return Err(Failure::argument(param.name, "is required"));
            }
            continue;
        };
        match (param.location, param.style) {
            (Location::Path, _) => {
                let text = scalar(param.name, param.json_type, param.enum_values, value)?;
                if text.is_empty() {
                    return Err(Failure::argument(param.name, "must not be empty"));
                }
                path = path.replace(&format!("{{{}}}", param.name), &encode_segment(&text));
            }
            (_, ParamStyle::Plain) => match value {
                Value::Array(list) if param.json_type == "array" => {
                    let items = param.schema()["items"]["type"]
                        .as_str()
                        .unwrap_or("string")
                        .to_owned();
                    for item in list {
                        query.push((
                            param.name.to_owned(),
                            scalar(param.name, &items, param.enum_values, item)?,
                        ));
                    }
                }
                _ if param.json_type == "array" => {
                    return Err(Failure::argument(param.name, "must be a list"));
                }
                _ => query.push((
                    param.name.to_owned(),
                    scalar(param.name, param.json_type, param.enum_values, value)?,
                )),
            },
            (_, ParamStyle::KeyedDeepObject) => {
                let Value::Object(keyed) = value else {
                    return Err(Failure::argument(
                        param.name,
                        "must be an object of ID → {operator: value}, such as {\"01GB…\": {\"one_of\": [\"X\"]}}",
                    ));
                };
                let mut filter = Filter::new();
                for (key, operators) in keyed {
                    filter =
                        filter.and(Filter::keyed(key, operators_filter(param.name, operators)?));
                }
                filters.push((param.name.to_owned(), filter));
            }
            (_, _) => filters.push((param.name.to_owned(), operators_filter(param.name, value)?)),
        }
    }
    let mut generated_key = None;
    let body = match (op.body, body) {
        (None, Some(_)) => {
            return Err(Failure::argument(
                incidentio::catalog::BODY_PROPERTY,
                format!("{} takes no body", op.operation.method_name),
            ));
        }
        (Some(spec), None) if spec.required => {
            return Err(Failure::argument(
                incidentio::catalog::BODY_PROPERTY,
                "is required",
            ));
        }
        (_, None) => None,
        (Some(spec), Some(mut body)) => {
            // A create the API de-duplicates gets a key when the agent gave
            // none, so a retried call does not create twice.
            if let (Some(field), Value::Object(map)) = (op.replay_key, &mut body)
                && !map.contains_key(field)
            {
                let key = crate::body::uuid_v4();
                map.insert(field.to_owned(), Value::String(key.clone()));
                generated_key = Some(key);
            }
            crate::body::validate(&body, &simplify(&spec.schema()), "").map_err(|e| {
                let field = if e.field.is_empty() {
                    incidentio::catalog::BODY_PROPERTY.to_owned()
                } else {
                    format!("{}.{}", incidentio::catalog::BODY_PROPERTY, e.field)
                };
                Failure::argument(field, e.message)
            })?;
            Some(body)
        }
    };
    Ok(Checked {
        path,
        query,
        filters,
        body,
        fields,
        limit,
        generated_key,
    })
}

/// A path or query value as text, checked against its type and enum.
fn scalar(
    name: &str,
    json_type: &str,
    enum_values: &[&str],
    value: &Value,
) -> Result<String, Failure> {
    let text = match (json_type, value) {
        ("integer", Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
        ("number", Value::Number(n)) => n.to_string(),
        ("boolean", Value::Bool(b)) => b.to_string(),
        ("string", Value::String(s)) => s.clone(),
        (_, other) => {
            return Err(Failure::argument(
                name,
                format!(
                    "must be a {json_type}, got {}",
                    crate::body::json_kind(other)
                ),
            ));
        }
    };
    if !enum_values.is_empty() && !enum_values.contains(&text.as_str()) {
        return Err(Failure::argument(
            name,
            format!("must be one of {}, got {text:?}", enum_values.join(", ")),
        ));
    }
    Ok(text)
}

/// `{"one_of": ["A", "B"], "gte": "2024-01-01"}` as a filter.
fn operators_filter(name: &str, value: &Value) -> Result<Filter, Failure> {
    let Value::Object(operators) = value else {
        return Err(Failure::argument(
            name,
            "must be an object of operator → value, such as {\"one_of\": [\"A\", \"B\"]}",
        ));
    };
    let mut filter = Filter::new();
    for (operator, values) in operators {
        let values: Vec<String> = match values {
            Value::Array(list) => list.iter().map(text_of).collect::<Option<_>>(),
            other => text_of(other).map(|v| vec![v]),
        }
        .ok_or_else(|| {
            Failure::argument(
                format!("{name}.{operator}"),
                "must be a string, number or boolean, or a list of them",
            )
        })?;
        filter = filter.and(Filter::operator(operator, values));
    }
    Ok(filter)
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
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
