//! `describe`: every command as JSON, from the catalog.

use serde_json::{Value, json};

use crate::commands::flag_name;
use crate::error::CliError;
use crate::table::{Op, canonical_service, table};

/// `describe`: the table as JSON.
pub(crate) fn describe(service: Option<&str>, action: Option<&str>) -> Result<Value, CliError> {
    // `describe incidents` describes what `incidents` runs.
    let service = service.map(canonical_service);
    let ops: Vec<Value> = table()
        .operations
        .iter()
        .filter(|o| service.is_none_or(|s| o.service == s))
        .filter(|o| action.is_none_or(|a| o.action == a))
        .map(describe_op)
        .collect();
    if ops.is_empty() {
        return Err(CliError::Usage(format!(
            "no such command: {} {}",
            service.unwrap_or_default(),
            action.unwrap_or_default()
        )));
    }
    if action.is_some() {
        return Ok(ops.into_iter().next().unwrap_or_default());
    }
    Ok(Value::Array(ops))
}

pub(crate) fn describe_op(op: &Op) -> Value {
    let params: Vec<Value> = op
        .params
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "flag": format!("--{}", flag_name(p)),
                "in": p.location,
                "type": p.kind,
                "required": p.required,
                "enum": p.enum_values,
                "description": p.description,
                "syntax": match p.deep { 1 => Some("OP=VALUE"), 2 => Some("ID:OP=VALUE"), _ => None },
                "repeatable": p.deep != 0 || p.kind == "array",
                "example": p.example(),
            })
        })
        .collect();
    json!({
        "command": format!("incidentio {} {}", op.service, op.action),
        "service": op.service,
        "action": op.action,
        "operation_id": op.id,
        "method_name": op.info.operation.method_name,
        "feature": op.info.feature,
        "response_type": op.info.response_type,
        "method": op.method,
        "path": op.path,
        "summary": op.summary,
        "description": op.description,
        "deprecated": op.deprecated,
        "replacement": op.replacement,
        "paginated": op.paginated,
        "items": op.items,
        "parameters": params,
        "body": op.body.as_ref().map(|b| json!({
            "required": b.required,
            "schema": b.schema(),
            "json_schema": b.json_schema(),
            "idempotency_key": b.replay_key == Some("idempotency_key"),
            "replay_key": b.replay_key,
            "example": b.example(),
            "flags": ["--input FILE", "--field KEY=VALUE", "--field KEY:=JSON"],
        })),
    })
}
