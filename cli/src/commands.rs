//! The command tree: global flags, one command per operation of the
//! catalog (flags from its parameters), `api`, `describe`, `completions`.

use clap::{Arg, ArgAction, ArgGroup, Command};

use incidentio::catalog::{Location, ParamStyle, Parameter};

use crate::request::{header_env, header_file_id};
use crate::table::{Op, flag, table};

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the API answered with an error status
  2  usage error (nothing was sent)
  3  transport error, timeout, or a response that did not decode
  5  --jq failed on the response

Authentication: INCIDENT_IO_API_KEY (or INCIDENT_API_KEY), or --api-key-file PATH.
--mock runs against the built-in mock of the API (no key, no network).";

/// Flags the CLI itself defines; a spec parameter with one of these names
/// gets a `param-` prefix.
pub(crate) const RESERVED: [&str; 19] = [
    "each",
    "continue-on-error",
    "jq",
    "quiet",
    "verbose",
    "api-key-file",
    "base-url",
    "timeout",
    "no-retry",
    "no-pacing",
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

/// The whole command tree: every operation's command with all its flags.
/// `completions` needs it; a run needs only [`cli_for`]'s.
pub(crate) fn cli() -> Command {
    tree(|_| true)
}

/// The command tree one run needs: the services its arguments name (by
/// name or alias) in full, every other service as its name, aliases and
/// about alone, enough for the top-level `--help` and its suggestions.
///
/// Why: building every operation's flags (help texts, value parsers,
/// groups) and dropping them again was most of a start of the binary
/// (two-thirds of its instructions for `--version`), paid on every run
/// for one command. Matching whole arguments is exact: clap selects a
/// subcommand only by its full name or alias (no prefix inference), so the
/// service a run selects is always among them; a flag's value that happens
/// to name a service only builds one more service.
pub(crate) fn cli_for<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Command {
    let named = |name: &str| args.iter().any(|a| a.as_ref() == name);
    tree(|service| {
        named(service)
            || table()
                .aliases
                .iter()
                .any(|a| a.service == service && named(&a.name))
    })
}

/// The tree, with the operations of the services `full` selects.
fn tree(full: impl Fn(&str) -> bool) -> Command {
    let mut root = Command::new("incidentio")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The incident.io API on the command line: every operation of the spec as a command")
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args());
    for (service, about) in &table().services {
        if !table()
            .operations
            .iter()
            .any(|o| o.service_command() == service)
        {
            continue;
        }
        let mut cmd = Command::new(service.clone())
            .subcommand_required(true)
            .arg_required_else_help(true);
        let mut about = about.clone();
        if let Some(alias) = table().aliases.iter().find(|a| &a.service == service) {
            cmd = cmd.visible_alias(alias.name.clone());
            if !alias.also_current.is_empty() {
                // Two current versions: say which one the short name runs.
                about = format!(
                    "{about} (`{}` runs this, the newest version; also current: {})",
                    alias.name,
                    alias.also_current.join(", ")
                )
                .trim_start()
                .to_owned();
            }
        }
        // A service the spec's tag list does not describe has no about.
        if !about.is_empty() {
            cmd = cmd.about(about);
        }
        if full(service) {
            for op in table()
                .operations
                .iter()
                .filter(|o| o.service_command() == service)
            {
                cmd = cmd.subcommand(op_command(op));
            }
        }
        root = root.subcommand(cmd);
    }
    root.subcommand(api_command())
        .subcommand(crate::mcp::command())
        .subcommand(crate::oncall::command())
        .subcommand(
            Command::new("describe")
                .about(
                    "Every command and flag as JSON (method, path, parameters, body, pagination)",
                )
                .arg(Arg::new("service").help("Only this service"))
                .arg(Arg::new("action").help("Only this action of the service")),
        )
        .subcommand(Command::new("whoami").about(
            "Whose key this is: its name and roles (Utilities V1#Identity); exit 1 with the API's message if the key is refused",
        ))
        .subcommand(
            Command::new("completions").about("Shell completions").arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(["bash", "zsh", "fish"]),
            ),
        )
}

pub(crate) fn global_args() -> Vec<Arg> {
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
        Arg::new("no-pacing")
            .long("no-pacing")
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Send requests as fast as they come instead of pacing them under the API key's rate limit (for a mock, or a proxy with limits of its own)"),
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
            .help("Output format. Default: on a terminal, lists as a table of id, reference, name, status, severity and created at (--fields to choose) and anything else as pretty JSON; piped, the JSON as sent"),
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
        Arg::new("jq")
            .long("jq")
            .value_name("EXPR")
            .global(true)
            .help("Filter the JSON output with a jq expression; strings print raw. With --all it runs on each item, so output streams and memory stays bounded")
            .long_help(
                "Filter the JSON the command would print with a jq expression (jaq, jq's standard library). \
                 Each result prints on its own line: strings raw (as `gh --jq` and `jq -r`), anything else as JSON. \
                 With --all or --limit it runs on each item as it arrives (`--all --jq .name`), not on the page: \
                 items stream out as pages arrive and memory stays bounded, and there is no page envelope to see. \
                 A bad expression is a usage error (exit 2, nothing sent) naming its position.",
            ),
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

pub(crate) fn body_args() -> Vec<Arg> {
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

/// The id of `--each`.
pub(crate) const EACH: &str = "each";

/// `--each` and `--continue-on-error`, on every operation's command.
pub(crate) fn each_args() -> Vec<Arg> {
    vec![
        Arg::new(EACH)
            .long(EACH)
            .action(ArgAction::SetTrue)
            .requires("input")
            .help("One request per line of --input (NDJSON: the arguments as an object a line, as MCP tools take them, or for an operation with a body the body itself); results as NDJSON in input order, each with its line number"),
        Arg::new("continue-on-error")
            .long("continue-on-error")
            .action(ArgAction::SetTrue)
            .requires(EACH)
            .help("With --each: go on after a failing line (the exit code still says one failed)"),
    ]
}

/// `--quiet`, on the commands that change something: a script that only
/// needs to know it worked reads the exit code (errors still go to
/// stderr, so a failure can be told).
pub(crate) fn quiet_arg() -> Arg {
    Arg::new("quiet")
        .long("quiet")
        .action(ArgAction::SetTrue)
        .help("Print nothing on success, not even a generated idempotency key: the exit code tells")
}

/// Whether `--quiet` was given (commands without it: no).
pub(crate) fn is_quiet(args: &clap::ArgMatches) -> bool {
    matches!(args.try_get_one::<bool>("quiet"), Ok(Some(true)))
}

pub(crate) fn page_args() -> Vec<Arg> {
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

/// The parameter also accepted as a positional argument: the operation's
/// single required path parameter (`incidents show 01FC…`). With two or
/// more, positions would be ambiguous to a reader, so they stay flags.
pub(crate) fn positional_param(op: &Op) -> Option<&'static Parameter> {
    let mut required = op
        .info
        .parameters
        .iter()
        .filter(|p| p.location == Location::Path && p.required);
    match (required.next(), required.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// The flag of a parameter.
pub(crate) fn flag_name(param: &Parameter) -> String {
    let flag = flag(param);
    if RESERVED.contains(&flag.as_str()) {
        format!("param-{flag}")
    } else {
        flag
    }
}

pub(crate) fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

pub(crate) fn op_command(op: &Op) -> Command {
    let info = op.info;
    let mut about = info.summary.to_owned();
    if op.old_action.is_some() {
        // Another action has the same summary: say how this one differs.
        about = format!("{about} (by {})", info.operation.method);
    }
    if op.deprecated() {
        about = match &op.replacement {
            Some(r) => format!("[deprecated: use `{r}`] {about}"),
            None => format!("[deprecated] {about}"),
        };
    }
    let mut long_about = format!(
        "{about}\n\n{} {}",
        info.operation.method, info.operation.path
    );
    if !info.description.trim().is_empty() {
        long_about.push_str("\n\n");
        long_about.push_str(info.description.trim());
    }
    let mut cmd = Command::new(op.action.clone())
        .about(about)
        .long_about(long_about);
    if let Some(old) = &op.old_action {
        cmd = cmd.alias(old.clone());
    }
    let positional = positional_param(op);
    let default_page_size = op
        .default_page_size()
        .and(info.pagination)
        .map(|p| p.page_size_param);
    for param in info.parameters {
        let (value_name, syntax) = match (param.style, param.json_type) {
            (ParamStyle::DeepObject, _) => (
                "OP=VALUE",
                format!(
                    " Repeatable: `--{} one_of=A --{} one_of=B` sends `{}[one_of]=A&{}[one_of]=B`.",
                    flag(param),
                    flag(param),
                    param.name,
                    param.name
                ),
            ),
            (ParamStyle::KeyedDeepObject, _) => (
                "ID:OP=VALUE",
                format!(
                    " Repeatable: `--{} 01GB…:one_of=X` sends `{}[01GB…][one_of]=X`.",
                    flag(param),
                    param.name
                ),
            ),
            (_, "array") => ("VALUE", " Repeatable.".to_owned()),
            (_, "integer") => ("INT", String::new()),
            (_, "number") => ("NUMBER", String::new()),
            (_, "boolean") => ("BOOL", String::new()),
            _ => ("VALUE", String::new()),
        };
        let mut help = first_line(param.description);
        if !help.is_empty() && !help.ends_with(['.', ':', '!', '?']) {
            help.push('.');
        }
        let mut long_help = if param.description.trim().is_empty() {
            syntax.trim().to_owned()
        } else {
            format!("{}\n{}", param.description.trim(), syntax.trim())
        };
        if param.location == Location::Header {
            long_help = format!(
                "{}\nSent as the `{}` header, never shown. Better kept off the command line: --{}-file PATH, or ${}.",
                long_help.trim(),
                param.name,
                flag_name(param),
                header_env(param)
            );
        }
        if default_page_size == Some(param.name) {
            long_help = format!(
                "{}\nDefault here: {} (the spec requires one).",
                long_help.trim(),
                op.default_page_size().unwrap_or_default()
            );
        }
        let mut arg = Arg::new(format!("p:{}", param.name))
            .long(flag_name(param))
            .value_name(value_name)
            .help(if syntax.is_empty() {
                help
            } else {
                format!("{help} [repeatable]")
            })
            .long_help(long_help);
        if param.required && default_page_size != Some(param.name) {
            // With --each, the lines may give it.
            arg = arg.required_unless_present(EACH);
        }
        if positional.is_some_and(|p| std::ptr::eq(p, param)) {
            // Given as a flag or positionally, not both; one of the two
            // unless --each's lines give it.
            let pos_id = format!("pos:{}", param.name);
            arg = arg.required_unless_present_any([pos_id.clone(), EACH.to_owned()]);
            cmd = cmd
                .arg(
                    Arg::new(pos_id.clone())
                        .value_name(param.name.to_uppercase())
                        .help(format!("The same as --{}", flag_name(param))),
                )
                .group(
                    ArgGroup::new(format!("g:{}", param.name))
                        .args([format!("p:{}", param.name), pos_id]),
                );
        }
        let plain = param.style == ParamStyle::Plain;
        if !plain || param.json_type == "array" {
            arg = arg.action(ArgAction::Append);
        }
        let values = param.enum_values;
        if plain && !values.is_empty() {
            arg = arg.value_parser(clap::builder::PossibleValuesParser::new(
                values.iter().copied(),
            ));
        } else if plain && param.json_type == "boolean" {
            arg = arg.value_parser(["true", "false"]);
        } else if plain && param.json_type == "integer" {
            arg = arg.value_parser(clap::value_parser!(i64));
        } else if plain && param.json_type == "number" {
            arg = arg.value_parser(clap::value_parser!(f64));
        }
        cmd = cmd.arg(arg);
        if param.location == Location::Header {
            cmd = cmd.arg(
                Arg::new(header_file_id(param))
                    .long(format!("{}-file", flag_name(param)))
                    .value_name("PATH")
                    .conflicts_with(format!("p:{}", param.name))
                    .help(format!(
                        "--{} from this file (its first line): the value stays off the command line",
                        flag_name(param)
                    )),
            );
        }
    }
    if info.parameters.iter().any(|p| p.style != ParamStyle::Plain) {
        cmd = cmd.after_help(
            "Filters repeat and keep their order: `--status-category one_of=live --status-category one_of=learning` \
             sends `status_category[one_of]=live&status_category[one_of]=learning`; \
             `--custom-field ID:one_of=X` sends `custom_field[ID][one_of]=X`.",
        );
    }
    if info.body.is_some() {
        cmd = cmd.args(body_args());
    } else {
        cmd = cmd.arg(
            Arg::new("input")
                .long("input")
                .value_name("FILE")
                .requires(EACH)
                .help("With --each: NDJSON of this operation's arguments, an object a line (`-` for stdin)"),
        );
    }
    cmd = cmd.args(each_args());
    if info.pagination.is_some() {
        cmd = cmd.args(page_args());
    }
    if !info.is_read() {
        cmd = cmd.arg(quiet_arg());
    }
    cmd
}

pub(crate) fn api_command() -> Command {
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
        .arg(quiet_arg())
}
