//! One tool call: arguments checked against the operation's input schema
//! (from the catalog) before anything is sent, the request built and sent
//! through the library (auth, retries, pacing, typed errors), the answer
//! trimmed to what the agent asked for and to a size bound.

use futures_util::StreamExt;
use incidentio::catalog::OperationInfo;
use serde_json::{Map, Value, json};

use crate::error::CliError;
use crate::jq::Jq;

/// The argument naming dot paths to keep in the result.
pub const FIELDS_ARG: &str = "fields";
/// The argument bounding how many items a list call returns.
pub const LIMIT_ARG: &str = "limit";
/// The argument holding a jq expression to apply to the answer.
pub const JQ_ARG: &str = "jq";

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

/// Whether a tool of this operation gets the `jq` argument: reads do
/// (a write's answer is small, and what it did must not be hidden).
pub fn takes_jq(op: &OperationInfo) -> bool {
    op.is_read() && op.parameter(JQ_ARG).is_none()
}

/// Whether a tool of this operation gets the `fields` argument.
pub fn takes_fields(op: &OperationInfo) -> bool {
    op.parameter(FIELDS_ARG).is_none()
}

/// The tool's input schema: the catalog's made portable and lean
/// ([`super::schema::portable`]: no `$ref`, no examples, short
/// descriptions), plus `fields`, `limit` and, on a read, `jq`.
pub fn input_schema(op: &OperationInfo) -> Value {
    let mut schema = super::schema::portable(op.input_schema());
    if let Some(properties) = schema["properties"].as_object_mut() {
        if takes_fields(op) {
            properties.insert(
                FIELDS_ARG.into(),
                json!({
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Dot paths to keep (of each item, for a list)",
                }),
            );
        }
        if takes_limit(op) {
            properties.insert(
                LIMIT_ARG.into(),
                json!({
                    "type": "integer",
                    "minimum": 1,
                    "description": "Most items to return, pages walked; `next_cursor` continues",
                }),
            );
        }
        if takes_jq(op) {
            properties.insert(JQ_ARG.into(), jq_schema());
        }
    }
    schema
}

/// The `jq` argument's schema, on read tools and `call_operation`.
pub fn jq_schema() -> Value {
    json!({
        "type": "string",
        "description": "jq expression run on the answer (each item, with `limit`); outputs in `results`",
    })
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
    // Compiled before anything is sent: a bad expression sends nothing.
    let jq = take_jq(op, &mut args)?;
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
    let items_field = op.pagination.map(|p| p.items_field);
    // What each item (or the whole answer) becomes: `fields` kept, then
    // `jq` run on it (its outputs, any number of them).
    let shape = |value: Value| -> Result<Vec<Value>, Failure> {
        let value = match &fields {
            Some(fields) => pick(&value, fields),
            None => value,
        };
        match &jq {
            Some(jq) => jq.values(&value).map_err(Failure::Request),
            None => Ok(vec![value]),
        }
    };
    let mut result = match (limit, op.pagination) {
        (Some(limit), Some(pagination)) => {
            let field = pagination.items_field;
            let mut pages = request.paginate(Some(field.to_owned())).pages();
            let mut out_items = Vec::new();
            let mut taken = 0usize;
            let mut last_taken = None;
            let mut next = None;
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| Failure::Request(e.into()))?;
                let room = limit.saturating_sub(taken);
                let cut = page.items.len() > room;
                for item in page.items.into_iter().take(room) {
                    last_taken = item.get("id").and_then(Value::as_str).map(str::to_owned);
                    taken += 1;
                    out_items.extend(shape(item)?);
                }
                next = if cut {
                    last_taken.clone()
                } else {
                    page.after.filter(|a| !a.is_empty())
                };
                if taken >= limit || next.is_none() {
                    break;
                }
            }
            let mut out = Map::new();
            let name = if jq.is_some() { RESULTS } else { field };
            out.insert(name.to_owned(), Value::Array(out_items));
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
            let answer = if response.body().is_empty() {
                json!({"status": response.status().as_u16()})
            } else {
                response
                    .json::<Value>()
                    .map_err(|e| Failure::Request(e.into()))?
            };
            match (&fields, &jq, items_field) {
                (None, None, _) => answer,
                // A list: `fields` keeps fields of each item.
                (Some(fields), None, Some(field)) => {
                    let mut answer = answer;
                    if let Some(items) = answer.get_mut(field).and_then(Value::as_array_mut) {
                        for item in items.iter_mut() {
                            *item = pick(item, fields);
                        }
                    }
                    answer
                }
                (Some(fields), None, None) => pick(&answer, fields),
                (_, Some(_), _) => json!({ RESULTS: shape(answer)? }),
            }
        }
    };
    if let Some(key) = &built.generated_key {
        result = json!({"result": result, "generated_replay_key": key.value});
    }
    let list = if jq.is_some() {
        Some(RESULTS)
    } else {
        items_field
    };
    bound(&mut result, list, policy.max_result_bytes)?;
    Ok(result)
}

/// Where the outputs of `jq` are returned.
pub const RESULTS: &str = "results";

/// Takes the `jq` argument out of `args` and compiles it; an expression
/// that does not compile is an argument error, and nothing is sent.
fn take_jq(op: &OperationInfo, args: &mut Map<String, Value>) -> Result<Option<Jq>, Failure> {
    if !takes_jq(op) {
        return Ok(None);
    }
    take_jq_arg(args)
}

/// Takes `jq` out of any tool's arguments and compiles it (see
/// [`take_jq`]).
pub fn take_jq_arg(args: &mut Map<String, Value>) -> Result<Option<Jq>, Failure> {
    match args.remove(JQ_ARG) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(code)) => Jq::compile(&code)
            .map(Some)
            .map_err(|e| Failure::argument(JQ_ARG, e.to_string().replacen("--jq ", "jq ", 1))),
        Some(_) => Err(Failure::argument(
            JQ_ARG,
            "must be a jq expression, as a string",
        )),
    }
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

/// Puts `value` at the path `parts` of `map`, making (or replacing with)
/// objects on the way.
fn insert_at(map: &mut Map<String, Value>, parts: &[&str], value: Value) {
    let Some((last, rest)) = parts.split_last() else {
        return;
    };
    let mut target = map;
    for part in rest {
        let entry = target
            .entry((*part).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(next) = entry else {
            return;
        };
        target = next;
    }
    target.insert((*last).to_owned(), value);
}

/// Only `fields` (dot paths) of `value`, nested as they were.
fn pick(value: &Value, fields: &[String]) -> Value {
    let mut out = Map::new();
    for field in fields {
        let parts: Vec<&str> = field.split('.').collect();
        let Some(found) = parts.iter().try_fold(value, |v, part| v.get(part)) else {
            continue;
        };
        insert_at(&mut out, &parts, found.clone());
    }
    Value::Object(out)
}

/// How to ask for less, told wherever a result is cut.
const ASK_FOR_LESS: &str = "ask for less: `jq` (such as `.incidents[] | {id, name}`), `fields` (dot paths), or a smaller `page_size` or `limit`";

/// Room kept for what a cut adds (the `truncated` object) and for the
/// parts of a result that are not cut.
const CUT_RESERVE: usize = 1024;

/// Keeps a result within `max` bytes of JSON, cutting only between
/// values, so what is returned is valid JSON and says what it left out:
/// a list's items are cut from the end, with the cursor to continue from
/// the last one kept; anything else has its largest arrays cut, each
/// named by its path. A result with nothing to cut is refused, saying how
/// to ask for less.
pub fn bound(result: &mut Value, items_field: Option<&str>, max: usize) -> Result<(), Failure> {
    let size = json_len(result);
    if size <= max {
        return Ok(());
    }
    let reason = format!("the result was {size} bytes, over this server's bound of {max}");
    if let Some(items) = items_field
        .and_then(|f| result.get_mut(f))
        .and_then(Value::as_array_mut)
    {
        let total = items.len();
        let keep = fitting(items, max.saturating_sub(CUT_RESERVE));
        items.truncate(keep);
        let next = last_id(items);
        if let Value::Object(map) = result {
            map.insert(
                "truncated".into(),
                json!({
                    "returned": keep,
                    "of": total,
                    "next_cursor": next,
                    "reason": reason,
                    "how": ASK_FOR_LESS,
                }),
            );
            map.insert(
                "next_cursor".into(),
                next.map_or(Value::Null, Value::String),
            );
        }
        return Ok(());
    }
    let mut cuts = Vec::new();
    while json_len(result) > max.saturating_sub(CUT_RESERVE) {
        let Some((path, _)) = largest_array(result, String::new()) else {
            break;
        };
        let Some(items) = pointer_mut(result, &path).and_then(Value::as_array_mut) else {
            break;
        };
        let total = items.len();
        let over = size.saturating_sub(max.saturating_sub(CUT_RESERVE));
        let array_len = json_len(&Value::Array(items.clone()));
        let keep = fitting(items, array_len.saturating_sub(over)).min(total.saturating_sub(1));
        items.truncate(keep);
        cuts.push(json!({"path": path, "returned": keep, "of": total}));
    }
    if cuts.is_empty() || json_len(result) > max {
        return Err(Failure::Refused(format!("{reason}; {ASK_FOR_LESS}")));
    }
    if let Value::Object(map) = result {
        map.insert(
            "truncated".into(),
            json!({"cut": cuts, "reason": reason, "how": ASK_FOR_LESS}),
        );
    }
    Ok(())
}

/// How many of `items`, from the first, fit in `room` bytes of JSON.
fn fitting(items: &[Value], room: usize) -> usize {
    let mut used = 2;
    items
        .iter()
        .take_while(|item| {
            used += json_len(item) + 1;
            used <= room
        })
        .count()
}

fn json_len(value: &Value) -> usize {
    serde_json::to_string(value).map_or(0, |s| s.len())
}

/// The dot path (indices as numbers) and size of the largest non-empty
/// array within `value`.
fn largest_array(value: &Value, path: String) -> Option<(String, usize)> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    let children: Vec<(String, usize)> = match value {
        Value::Object(map) => map
            .iter()
            .filter_map(|(k, v)| largest_array(v, join(k)))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| largest_array(v, join(&i.to_string())))
            .collect(),
        _ => Vec::new(),
    };
    let own = match value {
        Value::Array(items) if !items.is_empty() && !path.is_empty() => {
            Some((path.clone(), json_len(value)))
        }
        _ => None,
    };
    own.into_iter()
        .chain(children)
        .max_by_key(|(_, size)| *size)
}

/// The value at a dot path of [`largest_array`].
fn pointer_mut<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    path.split('.').try_fold(value, |v, part| match v {
        Value::Object(map) => map.get_mut(part),
        Value::Array(items) => items.get_mut(part.parse::<usize>().ok()?),
        _ => None,
    })
}
