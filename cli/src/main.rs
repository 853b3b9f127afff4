//! `incidentio`: every operation of the incident.io API as a command,
//! built at run time from the library's operation catalog (see
//! `table.rs`). Requests, pages, filters, the key and dry runs go through
//! the library too: the CLI adds names, flags and output.

mod body;
mod error;
mod output;
mod schema;
mod send;
mod table;
mod verbose;

use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures_util::StreamExt;
use incidentio::filter::Filter;
use serde_json::{Value, json};

use error::{CliError, EXIT_OK};
use output::{Mode, Printer};
use send::{Request, Sender};
use table::{Op, Param, table};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the API answered with an error status
  2  usage error (nothing was sent)
  3  transport error, timeout, or a response that did not decode

Authentication: INCIDENT_IO_API_KEY (or INCIDENT_API_KEY), or --api-key-file PATH.
--mock runs against the built-in mock of the API (no key, no network).";

/// Flags the CLI itself defines; a spec parameter with one of these names
/// gets a `param-` prefix.
const RESERVED: [&str; 14] = [
    "verbose",
    "api-key-file",
    "base-url",
    "timeout",
    "no-retry",
    "mock",
    "output",
    "fields",
    "dry-run",
    "input",
    "field",
    "all",
    "limit",
    "help",
];

fn main() {
    let matches = cli().get_matches();
    let mode = output_mode(&matches);
    if matches.get_flag("verbose") {
        verbose::install();
    }
    let explicit_json = matches!(
        matches.get_one::<String>("output").map(String::as_str),
        Some("json" | "ndjson")
    );
    let runtime = match tokio::runtime::Builder::new_current_thread()
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
        _ => Mode::Json,
    }
}

/// The whole command tree.
fn cli() -> Command {
    let mut root = Command::new("incidentio")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The incident.io API on the command line: every operation of the spec as a command")
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args());
    for (service, about) in &table().services {
        if !table().operations.iter().any(|o| &o.service == service) {
            continue;
        }
        let mut cmd = Command::new(service.clone())
            .subcommand_required(true)
            .arg_required_else_help(true);
        // A service the spec's tag list does not describe has no about.
        if !about.is_empty() {
            cmd = cmd.about(about.clone());
        }
        for op in table().operations.iter().filter(|o| &o.service == service) {
            cmd = cmd.subcommand(op_command(op));
        }
        root = root.subcommand(cmd);
    }
    root.subcommand(api_command())
        .subcommand(
            Command::new("describe")
                .about(
                    "Every command and flag as JSON (method, path, parameters, body, pagination)",
                )
                .arg(Arg::new("service").help("Only this service"))
                .arg(Arg::new("action").help("Only this action of the service")),
        )
        .subcommand(
            Command::new("completions").about("Shell completions").arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(["bash", "zsh", "fish"]),
            ),
        )
}

fn global_args() -> Vec<Arg> {
    let args = vec![
        Arg::new("api-key-file")
            .long("api-key-file")
            .value_name("PATH")
            .global(true)
            .help("Read the API key from this file (default: $INCIDENT_IO_API_KEY, then $INCIDENT_API_KEY)"),
        Arg::new("base-url")
            .long("base-url")
            .value_name("URL")
            .global(true)
            .help("The API's address (default https://api.incident.io)"),
        Arg::new("timeout")
            .long("timeout")
            .value_name("SECONDS")
            .value_parser(clap::value_parser!(f64))
            .global(true)
            .help("Time allowed for each attempt"),
        Arg::new("no-retry")
            .long("no-retry")
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Do not retry failed requests"),
        Arg::new("mock")
            .long("mock")
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Run against the built-in mock of the API (no key, no network)"),
        Arg::new("output")
            .long("output")
            .short('o')
            .value_parser(["json", "ndjson", "table"])
            .global(true)
            .help("Output format (default json: pretty on a terminal, compact when piped)"),
        Arg::new("fields")
            .long("fields")
            .value_name("A,B.C")
            .value_delimiter(',')
            .global(true)
            .help("Columns of --output table (dotted paths)"),
        Arg::new("verbose")
            .long("verbose")
            .short('v')
            .action(ArgAction::SetTrue)
            .global(true)
            .help("The library's tracing (each request and attempt) on stderr; never the key"),
        Arg::new("dry-run")
            .long("dry-run")
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Print the request (method, URL, headers, body) and send nothing"),
    ];
    args.into_iter()
        .map(|a| a.help_heading("Global options"))
        .collect()
}

fn body_args() -> Vec<Arg> {
    vec![
        Arg::new("input")
            .long("input")
            .value_name("FILE")
            .help("The JSON request body from FILE (`-` for stdin)"),
        Arg::new("field")
            .long("field")
            .short('f')
            .value_name("KEY=VALUE")
            .action(ArgAction::Append)
            .help("A body field: `key=string` or `key:=<json>`; dots nest (`severity.id=…`)"),
    ]
}

fn page_args() -> Vec<Arg> {
    vec![
        Arg::new("all")
            .long("all")
            .action(ArgAction::SetTrue)
            .help("Walk every page, streaming the items"),
        Arg::new("limit")
            .long("limit")
            .value_name("N")
            .value_parser(clap::value_parser!(u64))
            .help("Stop after N items (walks pages as --all, fetching no more than needed)"),
    ]
}

/// The flag of a parameter.
fn flag_name(param: &Param) -> String {
    let flag = param.flag();
    if RESERVED.contains(&flag.as_str()) {
        format!("param-{flag}")
    } else {
        flag
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn op_command(op: &Op) -> Command {
    let mut about = op.summary.clone();
    if op.deprecated {
        about = match &op.replacement {
            Some(r) => format!("[deprecated: use `{r}`] {about}"),
            None => format!("[deprecated] {about}"),
        };
    }
    let mut long_about = format!("{about}\n\n{} {}", op.method, op.path);
    if !op.description.trim().is_empty() {
        long_about.push_str("\n\n");
        long_about.push_str(op.description.trim());
    }
    let mut cmd = Command::new(op.action.clone())
        .about(about)
        .long_about(long_about);
    for param in &op.params {
        let (value_name, syntax) = match (param.deep, param.kind.as_str()) {
            (1, _) => (
                "OP=VALUE",
                format!(
                    " Repeatable: `--{} one_of=A --{} one_of=B` sends `{}[one_of]=A&{}[one_of]=B`.",
                    param.flag(),
                    param.flag(),
                    param.name,
                    param.name
                ),
            ),
            (2, _) => (
                "ID:OP=VALUE",
                format!(
                    " Repeatable: `--{} 01GB…:one_of=X` sends `{}[01GB…][one_of]=X`.",
                    param.flag(),
                    param.name
                ),
            ),
            (_, "array") => ("VALUE", " Repeatable.".to_owned()),
            (_, "integer") => ("INT", String::new()),
            (_, "number") => ("NUMBER", String::new()),
            (_, "boolean") => ("BOOL", String::new()),
            _ => ("VALUE", String::new()),
        };
        let mut help = first_line(&param.description);
        if !help.is_empty() && !help.ends_with(['.', ':', '!', '?']) {
            help.push('.');
        }
        let mut arg = Arg::new(format!("p:{}", param.name))
            .long(flag_name(param))
            .value_name(value_name)
            .required(param.required)
            .help(if syntax.is_empty() {
                help
            } else {
                format!("{help} [repeatable]")
            })
            .long_help(if param.description.trim().is_empty() {
                syntax.trim().to_owned()
            } else {
                format!("{}\n{}", param.description.trim(), syntax.trim())
            });
        if param.deep != 0 || param.kind == "array" {
            arg = arg.action(ArgAction::Append);
        }
        let values = param.enum_strings();
        if param.deep == 0 && !values.is_empty() {
            arg = arg.value_parser(clap::builder::PossibleValuesParser::new(values));
        } else if param.deep == 0 && param.kind == "boolean" {
            arg = arg.value_parser(["true", "false"]);
        } else if param.deep == 0 && param.kind == "integer" {
            arg = arg.value_parser(clap::value_parser!(i64));
        } else if param.deep == 0 && param.kind == "number" {
            arg = arg.value_parser(clap::value_parser!(f64));
        }
        cmd = cmd.arg(arg);
    }
    if op.params.iter().any(|p| p.deep != 0) {
        cmd = cmd.after_help(
            "Filters repeat and keep their order: `--status-category one_of=live --status-category one_of=learning` \
             sends `status_category[one_of]=live&status_category[one_of]=learning`; \
             `--custom-field ID:one_of=X` sends `custom_field[ID][one_of]=X`.",
        );
    }
    if op.body.is_some() {
        cmd = cmd.args(body_args());
    }
    if op.paginated {
        cmd = cmd.args(page_args());
    }
    cmd
}

fn api_command() -> Command {
    Command::new("api")
        .about("Any request, for endpoints newer than this build: `incidentio api GET /v2/incidents --query page_size=5`")
        .arg(Arg::new("method").required(true).help("GET, POST, PUT, PATCH or DELETE"))
        .arg(Arg::new("path").required(true).help("The path, such as /v2/incidents"))
        .arg(
            Arg::new("query")
                .long("query")
                .short('q')
                .value_name("KEY=VALUE")
                .action(ArgAction::Append)
                .help("A query pair, sent as is (`status[one_of]=X` for filters)"),
        )
        .args(body_args())
        .args(page_args())
}

async fn run(matches: &ArgMatches, mode: Mode) -> Result<(), CliError> {
    let fields = matches
        .get_many::<String>("fields")
        .map(|f| f.cloned().collect::<Vec<_>>());
    let mut printer = Printer::new(mode, fields);
    let Some((name, sub)) = matches.subcommand() else {
        return Err(CliError::usage("no command given; see --help"));
    };
    match name {
        "describe" => {
            let service = sub.get_one::<String>("service");
            let action = sub.get_one::<String>("action");
            return printer.value(&describe(
                service.map(String::as_str),
                action.map(String::as_str),
            )?);
        }
        "completions" => {
            let shell = match sub.get_one::<String>("shell").map(String::as_str) {
                Some("zsh") => clap_complete::Shell::Zsh,
                Some("fish") => clap_complete::Shell::Fish,
                _ => clap_complete::Shell::Bash,
            };
            clap_complete::generate(shell, &mut cli(), "incidentio", &mut std::io::stdout());
            return Ok(());
        }
        _ => {}
    }
    // Resolve the request completely (every usage error) before any I/O.
    let (request, items, walk, limit) = if name == "api" {
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
            .find(|o| o.service == name && o.action == action)
            .ok_or_else(|| CliError::usage(format!("unknown command {name} {action}")))?;
        if op.deprecated {
            match &op.replacement {
                Some(r) => eprintln!("warning: `{name} {action}` is deprecated; use `{r}`"),
                None => eprintln!("warning: `{name} {action}` is deprecated"),
            }
        }
        let request = op_request(op, args)?;
        let (walk, limit) = if op.paginated {
            let limit = args.get_one::<u64>("limit").copied();
            (args.get_flag("all") || limit.is_some(), limit)
        } else {
            (false, None)
        };
        (request, op.items.clone(), walk, limit)
    };
    if matches.get_flag("dry-run") {
        let sender = sender(matches, true).await?;
        return printer.text(&dry_run(&sender.0, &request)?);
    }
    let (sender, _mock) = sender(matches, false).await?;
    if walk {
        return walk_pages(&sender, request, items, limit, &mut printer).await;
    }
    let response = sender.send(&request).await?;
    printer.body(&response.body, items.as_deref())
}

/// The request of an operation from its flags, checked against the spec.
fn op_request(op: &Op, args: &ArgMatches) -> Result<Request, CliError> {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for param in &op.params {
        let id = format!("p:{}", param.name);
        let values: Vec<String> = args
            .get_raw(&id)
            .into_iter()
            .flatten()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if param.location == "path" {
            if let Some(value) = values.first() {
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
                if let Some((field, key)) = &generated {
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
fn query_pairs(param: &Param, value: &str) -> Result<Vec<(String, String)>, CliError> {
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
fn encode_segment(value: &str) -> String {
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

fn api_request(args: &ArgMatches) -> Result<Request, CliError> {
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

/// The API key, looked up by the library: the file, else the environment
/// (`INCIDENT_IO_API_KEY`, then `INCIDENT_API_KEY`).
fn api_key(matches: &ArgMatches) -> Result<incidentio::ApiKey, CliError> {
    if let Some(path) = matches.get_one::<String>("api-key-file") {
        return incidentio::ApiKey::from_file(path).map_err(|e| match e {
            incidentio::Error::InvalidArgument(message) => {
                CliError::usage(format!("--api-key-file: {message}"))
            }
            other => CliError::Api(other),
        });
    }
    incidentio::ApiKey::from_env().map_err(|_| {
        CliError::usage(format!(
            "no API key: set {} (or {}), or pass --api-key-file PATH (or use --mock)",
            incidentio::API_KEY_ENV,
            incidentio::API_KEY_ENV_FALLBACK
        ))
    })
}

/// The sender, and the mock it talks to (kept alive) with `--mock`. A dry
/// run needs no key.
async fn sender(
    matches: &ArgMatches,
    dry_run: bool,
) -> Result<(Sender, Option<incidentio::mock::MockApi>), CliError> {
    let timeout = match matches.get_one::<f64>("timeout") {
        Some(s) if s.is_finite() && *s > 0.0 => Some(Duration::from_secs_f64(*s)),
        Some(s) => {
            return Err(CliError::usage(format!(
                "--timeout {s}: must be a positive number of seconds"
            )));
        }
        None => None,
    };
    let (mut builder, mock) = if matches.get_flag("mock") {
        let mock = incidentio::mock::MockApi::start().await;
        (mock.client_builder(), Some(mock))
    } else {
        let key = match api_key(matches) {
            Ok(key) => key,
            Err(_) if dry_run => incidentio::ApiKey::new("dry-run"),
            Err(e) => return Err(e),
        };
        let base = matches
            .get_one::<String>("base-url")
            .cloned()
            .unwrap_or_else(|| incidentio::DEFAULT_BASE_URL.to_owned());
        (
            incidentio::Client::builder().api_key(key).base_url(base),
            None,
        )
    };
    if let Some(timeout) = timeout {
        builder = builder.timeout(timeout);
    }
    if matches.get_flag("no-retry") {
        builder = builder.retry_policy(incidentio::RetryPolicy::disabled());
    }
    builder = builder.app_name(concat!("incidentio-cli/", env!("CARGO_PKG_VERSION")));
    let client = builder.build()?;
    Ok((Sender::new(client), mock))
}

/// `--dry-run`: the library's preview of the request (key masked, the
/// user agent it really sends).
fn dry_run(sender: &Sender, request: &Request) -> Result<String, CliError> {
    Ok(sender.preview(request)?.to_string())
}

/// `--all`: every page, items streamed as they arrive; `--limit` stops
/// early and asks for no further page.
async fn walk_pages(
    sender: &Sender,
    request: Request,
    items: Option<String>,
    limit: Option<u64>,
    printer: &mut Printer,
) -> Result<(), CliError> {
    let walked = walk(sender, request, items, limit, printer).await;
    // The output stays valid JSON (a closed array) even when a page failed.
    printer.finish_items()?;
    walked
}

async fn walk(
    sender: &Sender,
    request: Request,
    items: Option<String>,
    limit: Option<u64>,
    printer: &mut Printer,
) -> Result<(), CliError> {
    if limit == Some(0) {
        return Ok(());
    }
    // The library's walk: its repeated-cursor guard, retries and pacing per
    // page; one page in memory at a time.
    let mut pages = sender.pages(&request, items)?;
    let mut count = 0u64;
    while let Some(page) = pages.next().await {
        let page = page?;
        if page.items.is_empty() {
            break;
        }
        for item in &page.items {
            if limit.is_some_and(|l| count >= l) {
                return printer.flush().map_err(Into::into);
            }
            printer.item(item)?;
            count += 1;
        }
        printer.flush()?;
        if limit.is_some_and(|l| count >= l) {
            break;
        }
    }
    Ok(())
}

/// `describe`: the table as JSON.
fn describe(service: Option<&str>, action: Option<&str>) -> Result<Value, CliError> {
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

fn describe_op(op: &Op) -> Value {
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
