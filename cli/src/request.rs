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
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for param in &op.params {
        let id = format!("p:{}", param.name);
        let positional = format!("pos:{}", param.name);
        let given = if args.try_contains_id(&positional).unwrap_or(false) {
            positional
        } else {
            id
        };
        let values: Vec<String> = args
            .get_raw(&given)
            .into_iter()
            .flatten()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
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
    let body = match &op.body {
        None => None,
        Some(spec_body) => {
            let mut body = match args.get_one::<String>("input") {
                Some(source) => Some(body::read_input(source)?),
                None => None,
            };
            for field in args.get_many::<String>("field").into_iter().flatten() {
                body::apply_field(body.get_or_insert_with(|| json!({})), field)?;
            }
            if body.is_none() && spec_body.required {
                body = Some(json!({}));
            }
            let mut generated = None;
            if let Some(body) = &mut body {
                // The field the API de-duplicates this create on (the
                // catalog's replay key): one per run, so a retry or a rerun
                // with the printed key creates nothing twice.
                if let Some(field) = spec_body.replay_key
                    && let Value::Object(map) = body
                    && !map.contains_key(field)
                {
                    let key = body::uuid_v4();
                    map.insert(field.into(), Value::String(key.clone()));
                    generated = Some((field, key));
                }
                body::validate(body, &spec_body.schema(), "")?;
                if let Some((field, key)) = &generated
                    && !is_quiet(args)
                {
                    eprintln!("{field}: {key} (rerun with --field {field}={key} to retry safely)");
                }
            }
            body
        }
    };
    Ok(Request {
        method: op.method.clone(),
        path,
        query,
        body,
    })
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
    let mut body = match args.get_one::<String>("input") {
        Some(source) => Some(body::read_input(source)?),
        None => None,
    };
    for field in args.get_many::<String>("field").into_iter().flatten() {
        body::apply_field(body.get_or_insert_with(|| json!({})), field)?;
    }
    Ok(Request {
        method,
        path,
        query,
        body,
    })
}
