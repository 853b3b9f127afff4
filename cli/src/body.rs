//! Request bodies on the command line: `--input` and `--field` (the
//! library checks the body against the operation's schema).

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
