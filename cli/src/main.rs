//! `incidentio`: every operation of the incident.io API as a command,
//! built at run time from the library's operation catalog (see
//! `table.rs`). Requests, pages, filters, the key and dry runs go through
//! the library too: the CLI adds names, flags and output.

mod body;
mod bulk;
mod commands;
mod connect;
mod describe;
mod error;
mod jq;
mod mcp;
mod oncall;
mod output;
mod reference;
mod request;
mod send;
mod table;
mod verbose;
mod walk;
mod whoami;

use clap::ArgMatches;

use commands::cli;
use connect::{dry_run, sender};
use error::{CliError, EXIT_OK};
use output::{Mode, Printer};
use request::{api_request, op_request};
use send::Request;
use table::table;
use walk::walk_pages;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = commands::cli_for(&args).get_matches_from(&args);
    let mode = output_mode(&matches);
    if matches.get_flag("verbose") {
        verbose::install();
    }
    let explicit_json = matches!(
        matches.get_one::<String>("output").map(String::as_str),
        Some("json" | "ndjson")
    );
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::exit(error::EXIT_TRANSPORT);
        }
    };
    let code = match runtime.block_on(run(&matches, mode)) {
        Ok(()) => EXIT_OK,
        // `| head`: the reader has all it wanted.
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            if explicit_json {
                eprintln!("{}", e.to_json());
            } else {
                eprintln!("error: {e}");
            }
            e.exit_code()
        }
    };
    std::process::exit(code);
}

fn output_mode(matches: &ArgMatches) -> Mode {
    match matches.get_one::<String>("output").map(String::as_str) {
        Some("ndjson") => Mode::Ndjson,
        Some("table") => Mode::Table,
        Some(_) => Mode::Json,
        // A person at a terminal: lists as tables. Piped: JSON, as always.
        None if std::io::IsTerminal::is_terminal(&std::io::stdout()) => Mode::Auto,
        None => Mode::Json,
    }
}

async fn run(matches: &ArgMatches, mode: Mode) -> Result<(), CliError> {
    let fields = matches
        .get_many::<String>("fields")
        .map(|f| f.cloned().collect::<Vec<_>>());
    // Compiled first: a bad expression is a usage error, nothing sent.
    let jq = match matches.get_one::<String>("jq") {
        Some(code) => Some(jq::Jq::compile(code)?),
        None => None,
    };
    let mut printer = Printer::new(mode, fields, jq);
    let Some((name, sub)) = matches.subcommand() else {
        return Err(CliError::usage("no command given; see --help"));
    };
    match name {
        "describe" => {
            let service = sub.get_one::<String>("service");
            let action = sub.get_one::<String>("action");
            return printer.value(&describe::describe(
                service.map(String::as_str),
                action.map(String::as_str),
            )?);
        }
        "mcp" => return mcp::run(matches, sub).await,
        "oncall" => return oncall::run(matches, sub, &mut printer).await,
        "completions" => {
            let shell = match sub.get_one::<String>("shell").map(String::as_str) {
                Some("zsh") => clap_complete::Shell::Zsh,
                Some("fish") => clap_complete::Shell::Fish,
                _ => clap_complete::Shell::Bash,
            };
            clap_complete::generate(shell, &mut cli(), "incidentio", &mut std::io::stdout());
            return Ok(());
        }
        "whoami" => {
            let request = whoami::request()?;
            if matches.get_flag("dry-run") {
                let sender = sender(matches, true).await?;
                return printer.text(&dry_run(&sender.0, &request)?);
            }
            let (sender, _mock) = sender(matches, false).await?;
            let json = matches.get_one::<String>("output").is_some()
                || matches.get_one::<String>("jq").is_some();
            return whoami::whoami(&sender, &mut printer, json).await;
        }
        _ => {}
    }
    // Resolve the request completely (every usage error) before any I/O.
    let quiet;
    let (request, items, walk, limit) = if name == "api" {
        quiet = commands::is_quiet(sub);
        let request = api_request(sub)?;
        let walk = sub.get_flag("all")
            || sub.contains_id("limit") && sub.get_one::<u64>("limit").is_some();
        (request, None, walk, sub.get_one::<u64>("limit").copied())
    } else {
        let Some((action, args)) = sub.subcommand() else {
            return Err(CliError::usage(format!(
                "no action given; see `incidentio {name} --help`"
            )));
        };
        let op = table()
            .operations
            .iter()
            .find(|o| o.service_command() == name && o.action == action)
            .ok_or_else(|| CliError::usage(format!("unknown command {name} {action}")))?;
        if op.deprecated() {
            match &op.replacement {
                Some(r) => eprintln!("warning: `{name} {action}` is deprecated; use `{r}`"),
                None => eprintln!("warning: `{name} {action}` is deprecated"),
            }
        }
        if args.get_flag(commands::EACH) {
            return bulk::run_each(op, matches, args, &mut printer).await;
        }
        let request = Request::Operation(op_request(op, args)?);
        quiet = commands::is_quiet(args);
        let items = op.info.pagination.map(|p| p.items_field.to_owned());
        let (walk, limit) = if items.is_some() {
            let limit = args.get_one::<u64>("limit").copied();
            (args.get_flag("all") || limit.is_some(), limit)
        } else {
            (false, None)
        };
        (request, items, walk, limit)
    };
    if matches.get_flag("dry-run") {
        let sender = sender(matches, true).await?;
        return printer.text(&dry_run(&sender.0, &request)?);
    }
    // An alert source's own `authorization` replaces the key: none needed.
    let (sender, _mock) = sender(matches, request.carries_own_authorization()).await?;
    let mut request = request;
    reference::resolve(&sender, &mut request).await?;
    if walk {
        return walk_pages(&sender, request, items, limit, &mut printer).await;
    }
    let response = sender.send(&request).await?;
    if quiet {
        return Ok(());
    }
    printer.body(&response.body, items.as_deref())
}
