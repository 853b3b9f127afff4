//! A command's flags turned into the library's JSON arguments
//! (`incidentio::catalog::OperationInfo::request` checks them and builds
//! the request). Only the flag syntax lives here: `OP=VALUE` and
//! `ID:OP=VALUE` filters, `--field` and `--input` bodies, header values
//! from a file or the environment, text turned into the parameter's JSON
//! type. Every rule about what an operation accepts is the library's.

use clap::ArgMatches;
use incidentio::catalog::{self, ArgumentError, Location, OperationRequest, ParamStyle, Parameter};
use serde_json::{Map, Value, json};

use crate::body;
use crate::commands::{flag_name, is_quiet};
use crate::error::CliError;
use crate::send::Request;
use crate::table::Op;

/// The request of an operation from its flags, checked by the library.
pub(crate) fn op_request(op: &Op, args: &ArgMatches) -> Result<OperationRequest, CliError> {
    let mut arguments = flag_arguments(op, args)?;
    if op.info.body.is_some() {
        let body = match args.get_one::<String>("input") {
            Some(source) => Some(body::read_input(source)?),
            None => None,
        };
        if let Some(body) = with_fields(body, args)? {
            arguments.insert(catalog::BODY_PROPERTY.to_owned(), body);
        } else if op.info.body.is_some_and(|b| b.required) {
            // `--field`s name what is missing; an empty body lets the
            // schema say which.
            arguments.insert(catalog::BODY_PROPERTY.to_owned(), json!({}));
        }
    }
    let request = build(op, &arguments)?;
    if let Some(key) = &request.generated_key
        && !is_quiet(args)
    {
        eprintln!(
            "{field}: {value} (rerun with --field {field}={value} to retry safely)",
            field = key.field,
            value = key.value
        );
    }
    Ok(request)
}

/// The library's request of `op` from `arguments`, its refusal worded for
/// the command line: a parameter by its flag, a body field by its path.
pub(crate) fn build(op: &Op, arguments: &Map<String, Value>) -> Result<OperationRequest, CliError> {
    op.info
        .request(arguments)
        .map_err(|e| CliError::usage(usage_message(op, &e)))
}

fn usage_message(op: &Op, error: &ArgumentError) -> String {
    let top = error.argument.split('.').next().unwrap_or_default();
    match op.info.parameter(top) {
        Some(param) => format!("--{}: {}", flag_name(param), error.message),
        None if error.message.contains(", got a string") => format!(
            "{} (use `--field {}:=<json>` for a value that is not a string)",
            error.message,
            error
                .argument
                .strip_prefix("body.")
                .unwrap_or(&error.argument)
        ),
        None => error.message.clone(),
    }
}

/// `body` with each `--field` applied (an object made for them if none).
pub(crate) fn with_fields(
    mut body: Option<Value>,
    args: &ArgMatches,
) -> Result<Option<Value>, CliError> {
    for field in args.get_many::<String>("field").into_iter().flatten() {
        body::apply_field(body.get_or_insert_with(|| json!({})), field)?;
    }
    Ok(body)
}

/// Every parameter given on the command line (by flag, by position, or
/// for a header from its file or environment variable) as the library's
/// JSON arguments; a list whose spec requires a page size gets one.
pub(crate) fn flag_arguments(op: &Op, args: &ArgMatches) -> Result<Map<String, Value>, CliError> {
    let mut arguments = Map::new();
    for param in op.info.parameters {
        let mut values = flag_values(args, param);
        if values.is_empty() && param.location == Location::Header {
            values.extend(header_from_file_or_env(args, param)?);
        }
        if values.is_empty() {
            if let Some(size) = op.default_page_size()
                && op
                    .info
                    .pagination
                    .is_some_and(|p| p.page_size_param == param.name)
            {
                arguments.insert(param.name.to_owned(), size.into());
            }
            continue;
        }
        arguments.insert(param.name.to_owned(), flag_value(op, param, &values)?);
    }
    Ok(arguments)
}

/// One parameter's flag values as one JSON argument.
fn flag_value(op: &Op, param: &Parameter, values: &[String]) -> Result<Value, CliError> {
    let flag = flag_name(param);
    match param.style {
        ParamStyle::DeepObject => {
            let mut operators = Map::new();
            for value in values {
                let (operator, v) = split_operator(value).ok_or_else(|| {
                    CliError::usage(format!(
                        "--{flag} {value}: expected OP=VALUE, such as `one_of=X`"
                    ))
                })?;
                push_value(&mut operators, operator, v);
            }
            Ok(Value::Object(operators))
        }
        ParamStyle::KeyedDeepObject => {
            let mut keyed = Map::new();
            for value in values {
                let bad = || {
                    CliError::usage(format!(
                        "--{flag} {value}: expected ID:OP=VALUE, such as `01GB…:one_of=X`"
                    ))
                };
                let (key, rest) = value
                    .split_once(':')
                    .filter(|(k, _)| !k.is_empty())
                    .ok_or_else(bad)?;
                let (operator, v) = split_operator(rest).ok_or_else(bad)?;
                let entry = keyed
                    .entry(key.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(operators) = entry {
                    push_value(operators, operator, v);
                }
            }
            Ok(Value::Object(keyed))
        }
        _ if param.json_type == "array" => values
            .iter()
            .map(|v| typed(&flag, param.item_type(), v))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        _ => {
            let value = values.first().map(String::as_str).unwrap_or_default();
            // `incidents show INC-123`: that operation takes the number.
            let value = match crate::reference::reference_number(value) {
                Some(number) if op.id() == crate::reference::SHOW && param.name == "id" => number,
                _ => value,
            };
            typed(&flag, param.json_type, value)
        }
    }
}

fn split_operator(value: &str) -> Option<(&str, &str)> {
    value.split_once('=').filter(|(op, _)| !op.is_empty())
}

/// Adds `value` to the operator's list of values.
fn push_value(operators: &mut Map<String, Value>, operator: &str, value: &str) {
    let entry = operators
        .entry(operator.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = entry {
        list.push(Value::String(value.to_owned()));
    }
}

/// A flag's text as the JSON value of `json_type`.
fn typed(flag: &str, json_type: &str, text: &str) -> Result<Value, CliError> {
    let bad = || CliError::usage(format!("--{flag} {text}: expected {json_type}"));
    Ok(match json_type {
        "integer" => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<u64>().map(Value::from))
            .map_err(|_| bad())?,
        "number" => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(bad)?,
        "boolean" => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad()),
        },
        _ => Value::String(text.to_owned()),
    })
}

/// The values given for a parameter on the command line, by flag or by
/// position.
pub(crate) fn flag_values(args: &ArgMatches, param: &Parameter) -> Vec<String> {
    let positional = format!("pos:{}", param.name);
    let given = if args.try_contains_id(&positional).unwrap_or(false) {
        positional
    } else {
        format!("p:{}", param.name)
    };
    args.try_get_raw(&given)
        .ok()
        .flatten()
        .into_iter()
        .flatten()
        .map(|v| v.to_string_lossy().into_owned())
        .collect()
}

/// The id of the `--NAME-file` flag of a header parameter.
pub(crate) fn header_file_id(param: &Parameter) -> String {
    format!("file:{}", param.name)
}

/// The environment variable a header parameter's value may come from:
/// `INCIDENTIO_` and its name in capitals (`INCIDENTIO_AUTHORIZATION`), so
/// a secret need not sit on a command line.
pub(crate) fn header_env(param: &Parameter) -> String {
    format!(
        "INCIDENTIO_{}",
        param.name.to_ascii_uppercase().replace('-', "_")
    )
}

/// A header parameter's value from `--NAME-file PATH` (its first line,
/// trimmed), else from its environment variable. Errors name the file or
/// the variable, never the value.
fn header_from_file_or_env(
    args: &ArgMatches,
    param: &Parameter,
) -> Result<Option<String>, CliError> {
    let flag = flag_name(param);
    let (text, source) = match args
        .try_get_one::<String>(&header_file_id(param))
        .ok()
        .flatten()
    {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|e| {
                CliError::usage(format!("--{flag}-file {path}: cannot read it: {e}"))
            })?,
            format!("--{flag}-file {path}"),
        ),
        None => {
            let name = header_env(param);
            match std::env::var(&name) {
                Ok(text) => (text, name),
                Err(std::env::VarError::NotPresent) => return Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(CliError::usage(format!("{name}: not valid UTF-8")));
                }
            }
        }
    };
    let value = text.lines().next().unwrap_or("").trim();
    if value.is_empty() {
        return Err(CliError::usage(format!("{source}: it is empty")));
    }
    Ok(Some(value.to_owned()))
}

/// `incidentio api METHOD PATH`: a request sent as written, for
/// endpoints newer than this build.
pub(crate) fn api_request(args: &ArgMatches) -> Result<Request, CliError> {
    let method = args
        .get_one::<String>("method")
        .cloned()
        .unwrap_or_default()
        .to_uppercase();
    let method = incidentio::Method::from_bytes(method.as_bytes())
        .map_err(|_| CliError::usage(format!("invalid HTTP method {method}")))?;
    let path = args.get_one::<String>("path").cloned().unwrap_or_default();
    if !path.starts_with('/') {
        return Err(CliError::usage(format!(
            "the path must start with `/`: {path}"
        )));
    }
    let mut query = Vec::new();
    for pair in args.get_many::<String>("query").into_iter().flatten() {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| CliError::usage(format!("--query {pair}: expected KEY=VALUE")))?;
        query.push((k.to_owned(), v.to_owned()));
    }
    let body = match args.get_one::<String>("input") {
        Some(source) => Some(body::read_input(source)?),
        None => None,
    };
    let body = with_fields(body, args)?;
    Ok(Request::Raw {
        method,
        path,
        query,
        body,
    })
}
