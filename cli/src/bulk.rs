//! `--each`: one request per line of NDJSON (`--input FILE|-`), for the
//! batches the API has no bulk endpoint for (hundreds of catalog entries,
//! a batch of follow-ups to close).
//!
//! A line is the operation's arguments as a JSON object, in the format
//! the MCP server's tools take (`{"id": "01H…", "body": {…}}`, filters as
//! operator objects: `{"status_category": {"one_of": ["live"]}}`); for an
//! operation that takes a body, a line without a `body` key is the body
//! itself. Flags given on the command line fill in what a line leaves out. Lines are sent one after the other through the
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
use serde_json::{Value, json};

use crate::connect::{dry_run, sender};
use crate::error::{CliError, EXIT_OK};
use crate::output::Printer;
use crate::request::{build, flag_arguments, with_fields};
use crate::send::{Request, Sender};
use crate::table::Op;

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
    // A line may carry an alert source's own `authorization` in place of
    // the key; a line that does not is refused when there is no key.
    let own_authorization = op
        .info
        .parameters
        .iter()
        .any(|p| p.name.eq_ignore_ascii_case("authorization"));
    let (sender, _mock) = if dry {
        (sender(matches, true).await?.0, None)
    } else {
        sender(matches, own_authorization).await?
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
            Ok(request) => {
                if let Some(key) = &request.generated_key {
                    record["generated"] = json!({ key.field: key.value });
                }
                let request = Request::Operation(request);
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

/// One line as a request: its arguments (or, for an operation that takes
/// a body, the body itself when the line has no `body` key) over the
/// command's flags, built by the library.
fn line_request(
    op: &Op,
    args: &ArgMatches,
    line: &str,
) -> Result<incidentio::catalog::OperationRequest, CliError> {
    let value: Value = serde_json::from_str(line)
        .map_err(|e| CliError::usage(format!("the line is not JSON: {e}")))?;
    let Value::Object(line) = value else {
        return Err(CliError::usage(format!(
            "a line is a JSON object of {} {}'s arguments{}",
            op.service_command(),
            op.action,
            if op.info.body.is_some() {
                " (or its body)"
            } else {
                ""
            }
        )));
    };
    let mut arguments = flag_arguments(op, args)?;
    let body_key = incidentio::catalog::BODY_PROPERTY;
    if op.info.body.is_some() && !line.contains_key(body_key) {
        arguments.insert(body_key.to_owned(), Value::Object(line));
    } else {
        arguments.extend(line);
    }
    if op.info.body.is_some()
        && let Some(body) = with_fields(arguments.remove(body_key), args)?
    {
        arguments.insert(body_key.to_owned(), body);
    }
    build(op, &arguments)
}
