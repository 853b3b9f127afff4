//! `--each`: one request per line of NDJSON (`--input FILE|-`), for the
//! batches the API has no bulk endpoint for (hundreds of catalog entries,
//! a batch of follow-ups to close).
//!
//! A line is the request body, or for an operation without a body its
//! parameters (`{"id": "01H…"}`; flags given on the command line fill in
//! what a line leaves out). Lines are sent one after the other through the
//! library's pacing and retries, and each result is written as it comes,
//! in input order, as one NDJSON record: `{"line": N, "response": …}` or
//! `{"line": N, "error": …}`, plus the replay key generated for a create
//! the API de-duplicates (`"generated": {"idempotency_key": "…"}`), so a
//! rerun with those keys creates nothing twice. Lines are read as they are
//! sent: memory stays bounded whatever the input's length.
//!
//! Without `--continue-on-error` the run stops at the first failing line;
//! either way it exits with the first failure's exit code (1 for an API
//! error, 2 for a line that is not a request, 3 for transport), 0 when
//! every line succeeded. Blank lines are skipped but keep their numbers.

use std::io::BufRead;

use clap::ArgMatches;
use serde_json::{Map, Value, json};

use crate::connect::{dry_run, sender};
use crate::error::{CliError, EXIT_OK};
use crate::output::Printer;
use crate::request::{build_request, flag_values, with_fields};
use crate::send::{Request, Sender};
use crate::table::{Op, Param};

/// The input: a file or stdin, read a line at a time.
fn open(source: &str) -> Result<Box<dyn BufRead>, CliError> {
    if source == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file = std::fs::File::open(source)
        .map_err(|e| CliError::usage(format!("cannot read --input {source}: {e}")))?;
    Ok(Box::new(std::io::BufReader::new(file)))
}

/// Runs `op` once per line of `--input`; see the module docs.
pub(crate) async fn run_each(
    op: &Op,
    matches: &ArgMatches,
    args: &ArgMatches,
    printer: &mut Printer,
) -> Result<(), CliError> {
    let source = args.get_one::<String>("input").ok_or_else(|| {
        CliError::usage("--each reads its lines from --input FILE (or - for stdin)")
    })?;
    let keep_going = args.get_flag("continue-on-error");
    let dry = matches.get_flag("dry-run");
    let (sender, _mock) = if dry {
        (sender(matches, true).await?.0, None)
    } else {
        sender(matches, false).await?
    };
    let mut first_failure = EXIT_OK;
    let mut failure_message = String::new();
    let mut failed = 0usize;
    for (index, line) in open(source)?.lines().enumerate() {
        let number = index + 1;
        let line =
            line.map_err(|e| CliError::usage(format!("cannot read --input {source}: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let mut record = json!({"line": number});
        let outcome = match line_request(op, args, &line) {
            Ok((request, generated)) => {
                if let Some((field, key)) = generated {
                    record["generated"] = json!({ field: key });
                }
                if dry {
                    dry_run(&sender, &request).map(|text| json!({ "dry_run": text }))
                } else {
                    send(&sender, request).await
                }
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(fields) => {
                if let (Value::Object(record), Value::Object(fields)) = (&mut record, fields) {
                    record.extend(fields);
                }
            }
            Err(e) => {
                record["error"] = e.to_json();
                failed += 1;
                if first_failure == EXIT_OK {
                    first_failure = e.exit_code();
                    failure_message = format!("line {number}: {e}");
                }
            }
        }
        printer.record(&record)?;
        if failed > 0 && !keep_going {
            break;
        }
    }
    if failed == 0 {
        return Ok(());
    }
    Err(CliError::Bulk {
        code: first_failure,
        message: format!(
            "{failed} line(s) failed{}; the first, {failure_message}",
            if keep_going {
                ""
            } else {
                " (stopped there: --continue-on-error goes on)"
            }
        ),
    })
}

/// Sends one line's request: the response as the record's `response`.
async fn send(sender: &Sender, mut request: Request) -> Result<Value, CliError> {
    crate::reference::resolve(sender, &mut request).await?;
    let body = sender.send(&request).await?.json()?;
    Ok(json!({ "response": body }))
}

/// One line as a request: the body (with any `--field`s), or for an
/// operation without a body its parameters, over the command's flags.
fn line_request(
    op: &Op,
    args: &ArgMatches,
    line: &str,
) -> Result<(Request, Option<crate::request::GeneratedKey>), CliError> {
    let value: Value = serde_json::from_str(line)
        .map_err(|e| CliError::usage(format!("the line is not JSON: {e}")))?;
    if op.body.is_some() {
        let body = with_fields(Some(value), args)?;
        return build_request(op, |param| flag_values(args, param), body);
    }
    let Value::Object(params) = value else {
        return Err(CliError::usage(format!(
            "{} {} takes no body: a line is an object of its parameters",
            op.service, op.action
        )));
    };
    if let Some(unknown) = params
        .keys()
        .find(|name| !op.params.iter().any(|p| &p.name == *name))
    {
        let known: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
        return Err(CliError::usage(format!(
            "no parameter `{unknown}` (it takes: {})",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )));
    }
    build_request(
        op,
        |param| line_values(&params, param).unwrap_or_else(|| flag_values(args, param)),
        None,
    )
}

/// A parameter's values from a line: a string, number or boolean as its
/// text, an array as one value per item; `None` when the line has none.
fn line_values(params: &Map<String, Value>, param: &Param) -> Option<Vec<String>> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match params.get(&param.name)? {
        Value::Null => None,
        Value::Array(items) => Some(items.iter().map(text).collect()),
        other => Some(vec![text(other)]),
    }
}
