//! Request bodies: `--input`, `--field`, and the check against the
//! operation's simplified body schema before anything is sent.

use serde_json::{Map, Value};

use crate::error::CliError;

/// Reads `--input FILE` (or `-` for stdin) as JSON.
pub fn read_input(source: &str) -> Result<Value, CliError> {
    let text = if source == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| CliError::usage(format!("cannot read --input from stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| CliError::usage(format!("cannot read --input {source}: {e}")))?
    };
    serde_json::from_str(&text)
        .map_err(|e| CliError::usage(format!("--input {source} is not valid JSON: {e}")))
}

/// Applies one `--field key=value` (a string) or `--field key:=<json>` to
/// `body`; dots in the key name nested objects (`severity.id=…`).
pub fn apply_field(body: &mut Value, field: &str) -> Result<(), CliError> {
    let (key, value) = match (field.find(":="), field.find('=')) {
        (Some(json_at), Some(eq_at)) if json_at < eq_at => {
            let raw = &field[json_at + 2..];
            let value = serde_json::from_str(raw).map_err(|e| {
                CliError::usage(format!(
                    "--field {}: the value after `:=` is not JSON ({e}); use `key=value` for a string",
                    &field[..json_at]
                ))
            })?;
            (&field[..json_at], value)
        }
        (_, Some(eq_at)) => (
            &field[..eq_at],
            Value::String(field[eq_at + 1..].to_owned()),
        ),
        _ => {
            return Err(CliError::usage(format!(
                "--field {field}: expected `key=value` or `key:=<json>`"
            )));
        }
    };
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(CliError::usage(format!(
            "--field {field}: empty field name"
        )));
    }
    if !body.is_object() {
        *body = Value::Object(Map::new());
    }
    let mut target = body;
    let parts: Vec<&str> = key.split('.').collect();
    for part in &parts[..parts.len() - 1] {
        let map = target.as_object_mut().expect("an object");
        let entry = map
            .entry((*part).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        target = entry;
    }
    target
        .as_object_mut()
        .expect("an object")
        .insert(parts[parts.len() - 1].to_owned(), value);
    Ok(())
}

/// A body the schema refuses: the field (a dot path such as `severity.id`,
/// empty for the body itself) and what is wrong with it. The field is data,
/// so a front-end can name its own argument (the MCP server says
/// `body.severity.id`) without reading the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BodyError {
    /// The field's dot path; empty for the whole body.
    pub field: String,
    /// The message, naming the field.
    pub message: String,
}

impl From<BodyError> for CliError {
    fn from(e: BodyError) -> Self {
        CliError::Usage(e.message)
    }
}

/// Checks `value` against a simplified schema: JSON types, enum values and
/// required properties. The error names the field, such as `severity.id`.
pub fn validate(value: &Value, schema: &Value, path: &str) -> Result<(), BodyError> {
    let name = if path.is_empty() { "the body" } else { path };
    let refuse = |field: &str, message: String| BodyError {
        field: field.to_owned(),
        message,
    };
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        let ok = match kind {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        if !ok && !value.is_null() {
            let hint = if value.is_string() && kind != "string" {
                format!(" (use `--field {name}:=<json>` for a non-string value)")
            } else {
                String::new()
            };
            return Err(refuse(
                path,
                format!(
                    "field `{name}` must be {} {kind}, got {}{hint}",
                    if kind.starts_with(['a', 'i', 'o']) {
                        "an"
                    } else {
                        "a"
                    },
                    json_kind(value)
                ),
            ));
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !value.is_null()
        && !values.contains(value)
    {
        let list: Vec<String> = values
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        return Err(refuse(
            path,
            format!(
                "field `{name}` has the value {value}, which is not one of: {}",
                list.join(", ")
            ),
        ));
    }
    if let Value::Object(map) = value {
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (key, child) in map {
                if let Some(child_schema) = properties.get(key) {
                    validate(child, child_schema, &join(path, key))?;
                }
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for field in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(field) {
                    let missing = join(path, field);
                    return Err(refuse(
                        &missing,
                        format!("missing required field `{missing}`"),
                    ));
                }
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(item, item_schema, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
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

/// A random UUID v4 (for idempotency keys).
pub fn uuid_v4() -> String {
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
