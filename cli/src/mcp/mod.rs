//! `incidentio mcp`: every operation of the API as tools for AI agents,
//! over the Model Context Protocol (the official Rust SDK, `rmcp`), on the
//! library's auth, retries, pacing and typed errors. Read-only unless
//! started with `--allow-writes`.

mod call;
mod http;
mod schema;
mod search;
mod server;
mod sessions;
mod stdio;
mod tools;
pub mod toolsets;

// The one tool not made from the catalog: `oncall`'s answer for agents.
mod oncall;

use std::collections::{BTreeMap, BTreeSet};

use clap::{Arg, ArgAction, ArgMatches, Command};
use incidentio::catalog::{self, OperationInfo};
use rmcp::ServiceExt;

use crate::connect::sender;
use crate::error::CliError;

/// The default bound on a result, in bytes of JSON: about 20,000 tokens
/// at four bytes a token, under the 25,000-token cap a widely used client
/// puts on one tool result.
const DEFAULT_MAX_RESULT_BYTES: usize = 80_000;

/// How long an HTTP session may sit with nothing in flight before it
/// expires, by default: longer than an agent thinks, or waits on its
/// user, between two calls; a client whose session has expired is told so
/// (404) and starts another.
const DEFAULT_SESSION_TIMEOUT_SECS: u64 = 1800;

/// The most HTTP sessions open at once, by default: far more than the
/// agents one server is shared by, few enough that the sessions' memory
/// stays small.
const DEFAULT_MAX_SESSIONS: usize = 256;

/// The `mcp` subcommand.
pub fn command() -> Command {
    // Every toolset, the groups' and those of services no group names
    // (added to the API after the groups were written), so --help lists
    // what --toolsets accepts.
    let toolsets: Vec<String> = toolsets::all_names()
        .into_iter()
        .map(
            |name| match toolsets::GROUPS.iter().find(|(n, _, _)| *n == name) {
                Some((_, _, about)) => format!("  {name}: {about}"),
                None => format!("  {name}: the {name} service (in no group)"),
            },
        )
        .collect();
    Command::new("mcp")
        .about("Serve every operation to AI agents over MCP (stdio, or HTTP with --http); read-only unless --allow-writes")
        .after_help(format!(
            "Toolsets (default: {}):\n{}\n\nsearch_operations, describe_operation and call_operation are always offered: with them an agent reaches every operation.\n\n{DRY_RUN_HELP}\n\n{}",
            toolsets::DEFAULT.join(","),
            toolsets.join("\n"),
            HTTP_HELP.replace("GRACE", &http::SHUTDOWN_GRACE.as_secs().to_string())
        ))
        .arg(
            Arg::new("toolsets")
                .long("toolsets")
                .value_name("A,B|all")
                .value_delimiter(',')
                .help("The toolsets whose operations are tools (`all` for every one)"),
        )
        .arg(
            Arg::new("tools")
                .long("tools")
                .value_name("OP,OP")
                .value_delimiter(',')
                .help("Single operations as tools as well, by name (incidents_v2_show)"),
        )
        .arg(
            Arg::new("allow-writes")
                .long("allow-writes")
                .action(ArgAction::SetTrue)
                .help("Offer and allow operations that change data (default: reads only)"),
        )
        .arg(
            Arg::new("max-result-bytes")
                .long("max-result-bytes")
                .value_name("N")
                .value_parser(clap::value_parser!(usize))
                .help("The largest result, in bytes of JSON (default 80000, about 20k tokens): a larger one is cut between items and says how to ask for less"),
        )
        .arg(
            Arg::new("http")
                .long("http")
                .value_name("ADDR")
                .value_parser(http::parse_addr)
                .help("Serve Streamable HTTP at http://ADDR/mcp instead of stdio: 127.0.0.1:PORT, localhost:PORT or PORT (port 0: a free one, printed on stderr)"),
        )
        .arg(
            Arg::new("http-allow-remote")
                .long("http-allow-remote")
                .action(ArgAction::SetTrue)
                .requires("http")
                .help("Allow --http to bind a non-loopback address (needs a strong token; plain HTTP: put a TLS-terminating proxy in front)"),
        )
        .arg(
            Arg::new("http-allow-host")
                .long("http-allow-host")
                .value_name("NAME")
                .action(ArgAction::Append)
                .value_parser(http::parse_host)
                .requires("http")
                .help("With --http, also accept this Host (and Origin): a name the server is reached by, such as a proxy's; repeatable"),
        )
        .arg(
            Arg::new("http-session-timeout")
                .long("http-session-timeout")
                .value_name("SECS")
                .value_parser(clap::value_parser!(u64).range(1..))
                .requires("http")
                .help(format!("With --http, a session with no request in flight for SECS seconds expires; its id is then answered 404, and the client starts a new one (default {DEFAULT_SESSION_TIMEOUT_SECS})")),
        )
        .arg(
            Arg::new("http-max-sessions")
                .long("http-max-sessions")
                .value_name("N")
                .value_parser(clap::value_parser!(u64).range(1..))
                .requires("http")
                .help(format!("With --http, keep at most N sessions: a new one replaces the one idle the longest, and is refused (503) only when all N have a request in flight (default {DEFAULT_MAX_SESSIONS})")),
        )
        .arg(
            Arg::new("http-token-file")
                .long("http-token-file")
                .value_name("PATH")
                .requires("http")
                .help(format!("With --http, require `Authorization: Bearer <token>`, the token read from PATH (or from {})", http::TOKEN_ENV)),
        )
}

/// The HTTP transport's safety, for `--help`.
const DRY_RUN_HELP: &str = "\
Dry run (--dry-run): every call that would change data returns the request it would
send (key masked) and sends nothing; reads are sent, so that an agent can find what
it would change. Add --mock to send nothing at all.";

const HTTP_HELP: &str = "\
HTTP (--http ADDR):
  Binds to loopback only; a non-loopback ADDR is refused unless --http-allow-remote
  is given, and then a token of at least 32 characters is required (`openssl rand
  -hex 32` makes one). The server speaks plain HTTP: a remote bind belongs behind a
  TLS-terminating proxy, or the token crosses the network in clear. Requests whose Host is not a loopback name
  (localhost, 127.0.0.1, ::1), the bound address or a --http-allow-host NAME, or whose
  Origin is not one of those, get 403 (DNS rebinding). With a token (the first line of
  --http-token-file PATH, or INCIDENTIO_MCP_TOKEN; never on the command line, where `ps`
  shows it), a request without `Authorization: Bearer <token>` gets 401. The API key is
  the CLI's own (INCIDENT_IO_API_KEY, INCIDENT_API_KEY, --api-key-file, or --mock): an
  HTTP client cannot supply one. Neither the key nor the token is ever printed.
  Sessions expire after --http-session-timeout SECS with no request in flight (their id
  then gets 404, and the client starts a new session); at most --http-max-sessions N are
  kept. SIGTERM or SIGINT stops the server: new connections are refused, requests in
  flight have GRACE s to finish, and the process exits 0.";

/// Serves MCP on stdio until the client hangs up, or on HTTP (`--http`)
/// until SIGTERM or SIGINT.
pub async fn run(matches: &ArgMatches, args: &ArgMatches) -> Result<(), CliError> {
    let allow_writes = args.get_flag("allow-writes");
    let offer = offer(args, allow_writes)?;
    let http = match args.get_one::<std::net::SocketAddr>("http") {
        Some(addr) => Some((
            *addr,
            http::Token::from_sources(
                args.get_one::<String>("http-token-file")
                    .map(String::as_str),
            )?,
        )),
        None => None,
    };
    // A dry run needs no key: nothing is sent but reads.
    let (sender, _mock) = sender(matches, false).await?;
    let policy = call::Policy {
        allow_writes,
        dry_run: matches.get_flag("dry-run"),
        max_result_bytes: args
            .get_one::<usize>("max-result-bytes")
            .copied()
            .unwrap_or(DEFAULT_MAX_RESULT_BYTES),
    };
    let server = server::Server::new(sender.client().clone(), policy, offer);
    if let Some((addr, token)) = http {
        let options = http::Options {
            addr,
            allow_remote: args.get_flag("http-allow-remote"),
            allow_hosts: args
                .get_many::<String>("http-allow-host")
                .map(|names| names.cloned().collect())
                .unwrap_or_default(),
            token,
            session_timeout: std::time::Duration::from_secs(
                args.get_one::<u64>("http-session-timeout")
                    .copied()
                    .unwrap_or(DEFAULT_SESSION_TIMEOUT_SECS),
            ),
            max_sessions: args
                .get_one::<u64>("http-max-sessions")
                .map_or(DEFAULT_MAX_SESSIONS, |&n| {
                    usize::try_from(n).unwrap_or(usize::MAX)
                }),
        };
        return http::serve(server, options).await;
    }
    let running = server
        .serve(stdio::transport())
        .await
        .map_err(|e| CliError::usage(format!("MCP: the client did not initialize: {e}")))?;
    running
        .waiting()
        .await
        .map_err(|e| CliError::usage(format!("MCP: the server stopped: {e}")))?;
    Ok(())
}

/// The tools of the enabled toolsets and single operations, reads only
/// unless writes are allowed; a deprecated operation is left out when its
/// replacement is offered.
fn offer(args: &ArgMatches, allow_writes: bool) -> Result<server::Offer, CliError> {
    let known = toolsets::all_names();
    let wanted: BTreeSet<&str> = match args.get_many::<String>("toolsets") {
        None => toolsets::DEFAULT.iter().copied().collect(),
        Some(names) => {
            let mut set = BTreeSet::new();
            for name in names {
                if name == "all" {
                    set.extend(known.iter().copied());
                } else if let Some(k) = known.iter().find(|k| **k == name) {
                    set.insert(*k);
                } else if !name.is_empty() {
                    return Err(CliError::usage(format!(
                        "--toolsets: no toolset `{name}` (there are: {}, all)",
                        known.join(", ")
                    )));
                }
            }
            set
        }
    };
    let mut chosen: Vec<&'static OperationInfo> = catalog::operations()
        .iter()
        .filter(|op| wanted.contains(toolsets::toolset_of(op)))
        .collect();
    for name in args.get_many::<String>("tools").into_iter().flatten() {
        let op = catalog::by_method_name(name).ok_or_else(|| {
            CliError::usage(format!(
                "--tools: no operation `{name}` (see `incidentio describe`)"
            ))
        })?;
        if !chosen.iter().any(|c| c.operation.id == op.operation.id) {
            chosen.push(op);
        }
    }
    chosen.retain(|op| allow_writes || op.is_read());
    let ids: BTreeSet<&str> = chosen.iter().map(|op| op.operation.id).collect();
    chosen
        .retain(|op| !(op.operation.deprecated && op.replacement.is_some_and(|r| ids.contains(r))));
    let mut operations = BTreeMap::new();
    let mut list = Vec::new();
    for op in chosen {
        list.push(tools::operation_tool(op));
        operations.insert(tools::tool_name(op), op);
    }
    if wanted.contains(oncall::TOOLSET) {
        list.push(oncall::tool());
    }
    list.extend(tools::meta_tools(allow_writes));
    Ok(server::Offer {
        tools: list,
        operations,
    })
}
