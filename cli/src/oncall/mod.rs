//! `incidentio oncall`: who is on call now, or at another moment, for
//! every schedule or those named; the first question of an incident in
//! one command. The answer is computed in `answer.rs`, which the MCP
//! server's `who_is_on_call` tool calls too, so that both give the same
//! JSON for the same arguments.

mod answer;
pub(crate) mod at;
mod entries;

use clap::{Arg, ArgAction, ArgMatches, Command};

pub(crate) use answer::{Answer, Error, Query, answer, columns};

use crate::connect::sender;
use crate::error::CliError;
use crate::output::Printer;

/// The exit codes of `oncall`, for its `--help`.
const EXIT_CODES: &str = "\
Exit codes:
  0  an answer, whoever is (or is not) on call
  1  the API answered with an error status
  2  usage error: a bad --at (nothing was sent), or a --schedule that matches no
     schedule or several (the schedules were listed; nothing printed)
  3  transport error, timeout, or a response that did not decode
  5  --jq failed on the answer";

/// The `oncall` command.
pub(crate) fn command() -> Command {
    Command::new("oncall")
        .about("Who is on call now (or --at TIME) on every schedule, or those named with --schedule")
        .long_about(
            "Who is on call now, on every schedule (every page) or on those named with --schedule: \
             the schedule, the person (name, email), from and until when, and for a schedule with \
             several rotations or layers, which one. --next adds who takes over at the next changeover.\n\n\
             Now is the schedules' own current and next shifts (Schedules V2#List). --at TIME answers \
             for another moment from the schedule entries after overrides (Schedules V2#ListScheduleEntries, \
             its `final` list), one schedule at a time.\n\n\
             On a terminal: a table. Piped or with --output json: {\"at\": …, \"schedules\": [record, …]}, \
             a record per schedule with its `status` (on_call, nobody_on_call, or empty: no one on its \
             rotations), `on_call` (and with --next, `next`) shifts, each with `user`, `start_at`, `end_at`, \
             `rotation` and `layer`. --output ndjson: a record a line. The MCP server's who_is_on_call \
             tool gives the same JSON for the same arguments.",
        )
        .after_help(EXIT_CODES)
        .arg(
            Arg::new("schedule")
                .long("schedule")
                .value_name("NAME|ID")
                .action(ArgAction::Append)
                .help("Only this schedule: its ID, its whole name, or a part of its name (case aside) that no other shares [repeatable]"),
        )
        .arg(
            Arg::new("at")
                .long("at")
                .value_name("TIME")
                .help(format!("Answer for this moment instead of now: {}", at::FORMS)),
        )
        .arg(
            Arg::new("next")
                .long("next")
                .action(ArgAction::SetTrue)
                .help("Also who takes over at the next changeover"),
        )
}

/// Runs `oncall`: every argument is checked before anything is sent.
pub(crate) async fn run(
    matches: &ArgMatches,
    args: &ArgMatches,
    printer: &mut Printer,
) -> Result<(), CliError> {
    let query = Query {
        schedules: args
            .get_many::<String>("schedule")
            .map(|names| names.cloned().collect())
            .unwrap_or_default(),
        at: match args.get_one::<String>("at") {
            Some(text) => Some(
                at::parse(text, at::now()).map_err(|e| CliError::usage(format!("--at: {e}")))?,
            ),
            None => None,
        },
        next: args.get_flag("next"),
    };
    if query.schedules.iter().any(|s| s.trim().is_empty()) {
        return Err(CliError::usage("--schedule: give a name or an ID"));
    }
    if matches.get_flag("dry-run") {
        return Err(CliError::usage(
            "oncall only reads (the schedules, and their entries with --at): there is no request to preview; run it without --dry-run",
        ));
    }
    let (sender, _mock) = sender(matches, false).await?;
    let Answer { json, rows } = answer(sender.client(), &query).await.map_err(|e| match e {
        Error::Schedule(message) => CliError::usage(format!("--schedule: {message}")),
        Error::Api(e) => CliError::Api(e),
    })?;
    let records = json["schedules"].as_array().cloned().unwrap_or_default();
    printer.answer(&json, &records, &rows, &columns(&rows, query.next))
}
