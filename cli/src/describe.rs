//! `describe`: every command as JSON, from the catalog.

use serde_json::{Value, json};

use incidentio::catalog::{Location, ParamStyle};

use crate::commands::flag_name;
use crate::error::CliError;
use crate::request::header_env;
use crate::table::{Op, canonical_service, param_example, table};

/// `describe`: the table as JSON.
pub(crate) fn describe(service: Option<&str>, action: Option<&str>) -> Result<Value, CliError> {
    // `describe incidents` describes what `incidents` runs.
    let service = service.map(canonical_service);
    let ops: Vec<Value> = table()
        .operations
        .iter()
        .filter(|o| service.is_none_or(|s| o.service_command() == s))
        .filter(|o| action.is_none_or(|a| o.action == a || o.old_action.as_deref() == Some(a)))
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
    let info = op.info;
    let default_page_size = op.default_page_size();
    let params: Vec<Value> = info
        .parameters
        .iter()
        .map(|p| {
            let mut out = json!({
                "name": p.name,
                "flag": format!("--{}", flag_name(p)),
                "in": p.location.as_str(),
                "type": p.json_type,
                "required": p.required,
                "enum": (!p.enum_values.is_empty()).then_some(p.enum_values),
                "description": p.description,
                "syntax": match p.style {
                    ParamStyle::DeepObject => Some("OP=VALUE"),
                    ParamStyle::KeyedDeepObject => Some("ID:OP=VALUE"),
                    _ => None,
                },
                "repeatable": p.style != ParamStyle::Plain || p.json_type == "array",
                "example": param_example(p),
            });
            if p.location == Location::Header {
                out["file_flag"] = format!("--{}-file", flag_name(p)).into();
                out["env"] = header_env(p).into();
                out["secret"] = true.into();
            }
            if let Some(size) = default_page_size
                && info.pagination.is_some_and(|g| g.page_size_param == p.name)
            {
                out["default"] = size.into();
            }
            out
        })
        .collect();
    json!({
        "command": format!("incidentio {} {}", op.service_command(), op.action),
        "service": op.service_command(),
        "action": op.action,
        "operation_id": op.id(),
        "method_name": info.operation.method_name,
        "feature": info.feature,
        "response_type": info.response_type,
        "method": info.operation.method,
        "path": info.operation.path,
        "summary": info.summary,
        "description": info.description,
        "deprecated": op.deprecated(),
        "replacement": op.replacement,
        "paginated": info.pagination.is_some(),
        "items": info.pagination.map(|p| p.items_field),
        "parameters": params,
        "body": info.body.map(|b| json!({
            "required": b.required,
            "schema": b.compact_schema(),
            "json_schema": b.schema(),
            "idempotency_key": info.operation.idempotency_key == Some("idempotency_key"),
            "replay_key": info.operation.idempotency_key,
            "example": b.example().unwrap_or(Value::Null),
            "flags": ["--input FILE", "--field KEY=VALUE", "--field KEY:=JSON"],
        })),
    })
}
