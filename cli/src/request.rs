//! A command's flags turned into a request, checked against the catalog
//! before anything is sent.

use clap::ArgMatches;
use incidentio::filter::Filter;
use serde_json::{Value, json};

use crate::body;
use crate::commands::{flag_name, is_quiet};
use crate::error::CliError;
use crate::send::Request;
use crate::table::{Op, Param};

/// The request of an operation from its flags, checked against the spec.
pub(crate) fn op_request(op: &Op, args: &ArgMatches) -> Result<Request, CliError> {
    let body = match &op.body {
        None => None,
        Some(_) => {
            let body = match args.get_one::<String>("input") {
                Some(source) => Some(body::read_input(source)?),
                None => None,
            };
            with_fields(body, args)?
        }
    };
    let (request, generated) = build_request(op, |param| flag_values(args, param), body)?;
    if let Some((field, key)) = &generated
        && !is_quiet(args)
    {
        eprintln!("{field}: {key} (rerun with --field {field}={key} to retry safely)");
    }
    Ok(request)
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

/// The values given for a parameter on the command line, by flag or by
/// position.
pub(crate) fn flag_values(args: &ArgMatches, param: &Param) -> Vec<String> {
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

/// A generated replay key: the body field and its value.
pub(crate) type GeneratedKey = (&'static str, String);

/// The request of `op` from each parameter's values and the body, checked
/// against the spec: a required parameter missing, a bad filter or a body
/// the schema refuses is an error and nothing is built. A create the API
/// de-duplicates gets its replay key generated when the body lacks it
/// (returned, so the caller can print it).
pub(crate) fn build_request(
    op: &Op,
    values_of: impl Fn(&Param) -> Vec<String>,
    mut body: Option<Value>,
) -> Result<(Request, Option<GeneratedKey>), CliError> {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for param in &op.params {
        let values = values_of(param);
        if values.is_empty() && param.required {
            return Err(CliError::usage(format!(
                "--{} (`{}`) is required",
                flag_name(param),
                param.name
            )));
        }
        if param.location == "path" {
            if let Some(value) = values.first() {
                // `incidents show INC-123`: that operation takes the number.
                let value = match crate::reference::reference_number(value) {
                    Some(number) if op.id == crate::reference::SHOW && param.name == "id" => number,
                    _ => value,
                };
                path = path.replace(&format!("{{{}}}", param.name), &encode_segment(value));
            }
            continue;
        }
        for value in values {
            query.extend(query_pairs(param, &value)?);
        }
    }
    let mut generated = None;
    match &op.body {
        None if body.is_some() => {
            return Err(CliError::usage(format!(
                "{} {} takes no request body",
                op.service, op.action
            )));
        }
        None => {}
        Some(spec_body) => {
            if body.is_none() && spec_body.required {
                body = Some(json!({}));
            }
            if let Some(body) = &mut body {
                // The field the API de-duplicates this create on (the
                // catalog's replay key): one per request, so a retry or a
                // rerun with the printed key creates nothing twice.
                if let Some(field) = spec_body.replay_key
                    && let Value::Object(map) = body
                    && !map.contains_key(field)
                {
                    let key = body::uuid_v4();
                    map.insert(field.into(), Value::String(key.clone()));
                    generated = Some((field, key));
                }
                body::validate(body, &spec_body.schema(), "")?;
            }
        }
    }
    let request = Request {
        method: op.method.clone(),
        path,
        query,
        body,
    };
    Ok((request, generated))
}

/// The query pairs of a flag value; deepObject filters encoded by the
/// library's `Filter`, as the generated builders encode them.
pub(crate) fn query_pairs(param: &Param, value: &str) -> Result<Vec<(String, String)>, CliError> {
    let flag = flag_name(param);
    let filter = match param.deep {
        1 => {
            let (op, v) = value
                .split_once('=')
                .filter(|(op, _)| !op.is_empty())
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "--{flag} {value}: expected OP=VALUE, such as `one_of=X`"
                    ))
                })?;
            Filter::operator(op, [v])
        }
        2 => {
            let bad = || {
                CliError::usage(format!(
                    "--{flag} {value}: expected ID:OP=VALUE, such as `01GB…:one_of=X`"
                ))
            };
            let (key, rest) = value
                .split_once(':')
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(bad)?;
            let (op, v) = rest
                .split_once('=')
                .filter(|(op, _)| !op.is_empty())
                .ok_or_else(bad)?;
            Filter::keyed(key, Filter::operator(op, [v]))
        }
        _ => return Ok(vec![(param.name.clone(), value.to_owned())]),
    };
    Ok(filter
        .query_pairs(&param.name)
        .map(|(name, value)| (name, value.to_owned()))
        .collect())
}

/// Percent-encodes a path segment (everything but RFC 3986 unreserved).
pub(crate) fn encode_segment(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn api_request(args: &ArgMatches) -> Result<Request, CliError> {
    let method = args
        .get_one::<String>("method")
        .cloned()
        .unwrap_or_default()
        .to_uppercase();
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
    Ok(Request {
        method,
        path,
        query,
        body,
    })
}
