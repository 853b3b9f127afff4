//! From an operation and a JSON object of arguments to a request: the one
//! place where arguments are checked and turned into a path, a query,
//! headers and a body, whatever front end they come from (command-line
//! flags, a line of NDJSON, an agent's tool call).
//!
//! The rules, each tested in this file:
//! - **Names.** Every parameter by its wire name (path, query and header
//!   alike); the body under [`BODY_PROPERTY`]. An unknown name is refused,
//!   naming the ones the operation takes. `null` counts as not given.
//! - **Required.** A required parameter (every path parameter) or a
//!   required body missing is refused.
//! - **Types and enums.** A value must have the parameter's JSON type (an
//!   integer for `integer`, …) and be one of its enum values if it has any;
//!   an array parameter takes a list (or one value, as a list of one).
//! - **Filters.** A deepObject filter is an object of operator → value or
//!   list of values (`{"one_of": ["live", "learning"]}`); a filter keyed
//!   by an ID is an object of ID → such an object. Encoded by
//!   [`Filter`], as the generated builders encode them.
//! - **Path.** Each value fills its `{name}` as one segment,
//!   percent-encoded (a `/` or `?` in an ID stays inside it); an empty
//!   value, `.` or `..` is refused.
//! - **Headers.** A header parameter's value (such as an alert source's
//!   own `authorization` secret) is sent as that header; it is never shown
//!   (see [`OperationRequest`]'s `Debug` and the request preview).
//! - **Body.** Checked against the body's schema (types, enums, required
//!   fields; see [`super::body_schema`]), naming the field's path
//!   (`body.severity_id`). A create the API de-duplicates gets its key
//!   generated when the body lacks it ([`OperationRequest::generated_key`]).

use std::fmt;

use serde_json::{Map, Value};

use super::{BODY_PROPERTY, Location, OperationInfo, ParamStyle, Parameter, body_schema};
use crate::filter::Filter;

/// Why arguments were refused: the argument (a parameter's name, or a dot
/// path into the body such as `body.severity_id`) and what is wrong with
/// it. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct ArgumentError {
    /// The argument at fault: a parameter's name, `body` or a dot path
    /// into it (`body.severity.id`), or empty for the arguments as a
    /// whole. Data, so that a front end can name it its own way.
    pub argument: String,
    /// What is wrong, as a sentence that names the argument.
    pub message: String,
}

impl ArgumentError {
    pub(crate) fn new(argument: impl Into<String>, message: impl Into<String>) -> Self {
        ArgumentError {
            argument: argument.into(),
            message: message.into(),
        }
    }

    /// `` `name` `` followed by `what`.
    fn about(argument: &str, what: impl fmt::Display) -> Self {
        ArgumentError::new(argument, format!("`{argument}` {what}"))
    }
}

/// A replay key the builder generated for a create the API de-duplicates:
/// send it again with the same value to retry without a duplicate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GeneratedKey {
    /// The body field, such as `idempotency_key`.
    pub field: &'static str,
    /// The value generated (a random UUID v4).
    pub value: String,
}

/// An operation's request built from arguments and checked: the path
/// filled in, the query in order, the headers, the body. Nothing is sent
/// until [`OperationRequest::to_raw`] gives a [`crate::RawRequest`] to send
/// or preview. Its `Debug` never shows a header's value.
#[derive(Clone)]
#[non_exhaustive]
pub struct OperationRequest {
    /// The operation.
    pub operation: &'static OperationInfo,
    /// The path, filled in and percent-encoded (`/v2/incidents/01H%2F…`).
    pub path: String,
    /// Query pairs in the order they are sent, filters encoded.
    pub query: Vec<(String, String)>,
    /// Header parameters (name, value): may hold a secret, so private; see
    /// [`OperationRequest::header_names`].
    headers: Vec<(String, String)>,
    /// The JSON body, with any generated replay key in it.
    pub body: Option<Value>,
    /// The replay key generated for this request, if the body lacked one.
    pub generated_key: Option<GeneratedKey>,
}

impl fmt::Debug for OperationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationRequest")
            .field("operation", &self.operation.operation.id)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.header_names().collect::<Vec<_>>())
            .field("body", &self.body)
            .field("generated_key", &self.generated_key)
            .finish()
    }
}

impl OperationRequest {
    /// The HTTP method.
    pub fn method(&self) -> crate::Method {
        self.operation.operation.http_method()
    }

    /// The names of the header parameters given (their values may be
    /// secrets and are not shown).
    pub fn header_names(&self) -> impl Iterator<Item = &str> {
        self.headers.iter().map(|(name, _)| name.as_str())
    }

    /// Whether a header parameter replaces the API key on this request (an
    /// alert source's own `authorization`): the client's key is then not
    /// sent, and need not exist.
    pub fn carries_own_authorization(&self) -> bool {
        self.header_names()
            .any(|name| name.eq_ignore_ascii_case("authorization"))
    }

    /// The request through `client`: its key (unless a header parameter
    /// replaces it), retries, pacing and errors, as a generated operation.
    pub fn to_raw<'c>(&self, client: &'c crate::Client) -> crate::RawRequest<'c> {
        let mut raw = client.request(self.method(), &self.path);
        for (name, value) in &self.query {
            raw = raw.query(name.as_str(), value.as_str());
        }
        for (name, value) in &self.headers {
            raw = raw.header(name, value);
        }
        if let Some(body) = &self.body {
            raw = raw.json(body);
        }
        raw
    }

    /// Sets the value of every query pair named `name` for which `replace`
    /// gives one (a front end resolving `INC-123` into an ID, say) and
    /// returns how many changed.
    pub fn replace_query_values(
        &mut self,
        name: &str,
        mut replace: impl FnMut(&str) -> Option<String>,
    ) -> usize {
        let mut changed = 0;
        for (key, value) in &mut self.query {
            if key == name
                && let Some(new) = replace(value)
            {
                *value = new;
                changed += 1;
            }
        }
        changed
    }
}

/// Builds `op`'s request from `arguments`; see the module docs.
pub(super) fn build(
    op: &'static OperationInfo,
    arguments: &Map<String, Value>,
) -> Result<OperationRequest, ArgumentError> {
    if let Some(unknown) = arguments
        .keys()
        .find(|name| *name != BODY_PROPERTY && op.parameter(name).is_none())
    {
        let mut known: Vec<&str> = op.parameters.iter().map(|p| p.name).collect();
        if op.body.is_some() {
            known.push(BODY_PROPERTY);
        }
        return Err(ArgumentError::new(
            unknown.as_str(),
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
    let mut request = OperationRequest {
        operation: op,
        path: op.operation.path.to_owned(),
        query: Vec::new(),
        headers: Vec::new(),
        body: None,
        generated_key: None,
    };
    for param in op.parameters {
        let Some(value) = arguments.get(param.name).filter(|v| !v.is_null()) else {
            if param.required {
                return Err(ArgumentError::about(param.name, "is required"));
            }
            continue;
        };
        match (param.location, param.style) {
            (Location::Path, _) => {
                let text = scalar(param, param.json_type, value)?;
                if text.is_empty() || text == "." || text == ".." {
                    return Err(ArgumentError::about(
                        param.name,
                        format!("cannot be {text:?}: it is a path segment"),
                    ));
                }
                request.path = request
                    .path
                    .replace(&format!("{{{}}}", param.name), &encode_segment(&text));
            }
            (Location::Header, _) => {
                let text = scalar(param, param.json_type, value)?;
                if text.is_empty() || text.bytes().any(|b| b.is_ascii_control()) {
                    // The value is not quoted: it may be a secret.
                    return Err(ArgumentError::about(
                        param.name,
                        "must be a non-empty header value without control characters",
                    ));
                }
                request.headers.push((param.name.to_owned(), text));
            }
            (_, ParamStyle::Plain) => {
                for text in plain_values(param, value)? {
                    request.query.push((param.name.to_owned(), text));
                }
            }
            (_, ParamStyle::DeepObject) => {
                let filter = operators(param.name, value)?;
                push_filter(&mut request.query, param.name, &filter);
            }
            (_, ParamStyle::KeyedDeepObject) => {
                let Value::Object(keyed) = value else {
                    return Err(ArgumentError::about(
                        param.name,
                        "must be an object of ID → {operator: value}, such as {\"01GB…\": {\"one_of\": [\"X\"]}}",
                    ));
                };
                if keyed.is_empty() {
                    return Err(ArgumentError::about(param.name, "names no ID"));
                }
                let mut filter = Filter::new();
                for (key, inner) in keyed {
                    let path = format!("{}.{key}", param.name);
                    filter = filter.and(Filter::keyed(key, operators(&path, inner)?));
                }
                push_filter(&mut request.query, param.name, &filter);
            }
        }
    }
    request.body = match (op.body, arguments.get(BODY_PROPERTY)) {
        (None, Some(_)) => {
            return Err(ArgumentError::new(
                BODY_PROPERTY,
                format!("{} takes no body", op.operation.method_name),
            ));
        }
        (Some(spec), None | Some(Value::Null)) if spec.required => {
            return Err(ArgumentError::about(BODY_PROPERTY, "is required"));
        }
        (_, None | Some(Value::Null)) => None,
        (Some(spec), Some(given)) => {
            let mut body = given.clone();
            if let (Some(field), Value::Object(map)) = (op.operation.idempotency_key, &mut body)
                && map.get(field).is_none_or(Value::is_null)
            {
                let value = uuid_v4();
                map.insert(field.to_owned(), Value::String(value.clone()));
                request.generated_key = Some(GeneratedKey { field, value });
            }
            body_schema::check(&body, &spec.compact_schema())?;
            Some(body)
        }
    };
    Ok(request)
}

fn push_filter(query: &mut Vec<(String, String)>, name: &str, filter: &Filter) {
    query.extend(
        filter
            .query_pairs(name)
            .map(|(key, value)| (key, value.to_owned())),
    );
}

/// A path, header or plain query value as text, checked against `json_type`
/// and the parameter's enum.
fn scalar(param: &Parameter, json_type: &str, value: &Value) -> Result<String, ArgumentError> {
    let text = match (json_type, value) {
        ("integer", Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
        ("number", Value::Number(n)) => n.to_string(),
        ("boolean", Value::Bool(b)) => b.to_string(),
        ("string" | "", Value::String(s)) => s.clone(),
        (_, other) => {
            return Err(ArgumentError::about(
                param.name,
                format!("must be {}, got {}", a_kind(json_type), json_kind(other)),
            ));
        }
    };
    if !param.enum_values.is_empty() && !param.enum_values.contains(&text.as_str()) {
        return Err(ArgumentError::about(
            param.name,
            format!(
                "must be one of {}, got {text:?}",
                param.enum_values.join(", ")
            ),
        ));
    }
    Ok(text)
}

/// The values of a plain query parameter: one, or one per item of a list
/// for an array parameter.
fn plain_values(param: &Parameter, value: &Value) -> Result<Vec<String>, ArgumentError> {
    if param.json_type != "array" {
        return Ok(vec![scalar(param, param.json_type, value)?]);
    }
    let items = param.item_type();
    match value {
        Value::Array(list) => list.iter().map(|v| scalar(param, items, v)).collect(),
        one => Ok(vec![scalar(param, items, one)?]),
    }
}

/// `{"one_of": ["A", "B"], "gte": "2024-01-01"}` as a filter; `name` is
/// the argument's path, for errors.
fn operators(name: &str, value: &Value) -> Result<Filter, ArgumentError> {
    let Value::Object(operators) = value else {
        return Err(ArgumentError::about(
            name,
            format!(
                "must be an object of operator → value, such as {{\"one_of\": [\"A\", \"B\"]}}, got {}",
                json_kind(value)
            ),
        ));
    };
    if operators.is_empty() {
        return Err(ArgumentError::about(
            name,
            "names no operator (such as one_of, gte)",
        ));
    }
    let mut filter = Filter::new();
    for (operator, values) in operators {
        let values: Option<Vec<String>> = match values {
            Value::Array(list) => list.iter().map(text_of).collect(),
            other => text_of(other).map(|v| vec![v]),
        };
        let Some(values) = values.filter(|v| !v.is_empty()) else {
            return Err(ArgumentError::about(
                &format!("{name}.{operator}"),
                "must be a string, number or boolean, or a non-empty list of them",
            ));
        };
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

/// Percent-encodes a path segment: everything but RFC 3986's unreserved
/// characters, so the value stays one segment whatever it holds.
fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// "a string", "an integer", … for a JSON Schema type.
pub(super) fn a_kind(json_type: &str) -> String {
    let article = if json_type.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {json_type}")
}

/// "a string", "an object", … for a JSON value.
pub(super) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A random UUID v4, for a generated replay key.
fn uuid_v4() -> String {
    let mut bytes: [u8; 16] = fastrand::u128(..).to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
