//! `incidentio mcp` spoken to over stdio, JSON-RPC line by line: the tool
//! list derived from the catalog (as `describe` shows it), the three
//! meta-tools, argument checks, read-only refusal, and bad input. The
//! official Python SDK drives it too (`.ci/mcp-client`).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use httpmock::MockServer;
use serde_json::{Value, json};

use crate::common::{SECRET, run, stdout};

/// A running server and its pipes.
pub struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Session {
    /// Starts `incidentio <args>` (which must end in `mcp …`) and
    /// initializes it.
    pub fn start(args: &[&str], key: Option<&str>) -> Session {
        let mut cmd = crate::common::incidentio(args, key);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().expect("the binary runs");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut session = Session {
            child,
            stdin,
            stdout,
            next_id: 1,
        };
        let init = session.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "incidentio-tests", "version": "0"},
            }),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "incidentio", "{init}");
        session.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string());
        session
    }

    fn send(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").expect("write");
        self.stdin.flush().expect("flush");
    }

    /// The next message the server writes.
    fn read(&mut self) -> Value {
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read");
        assert!(!line.is_empty(), "the server closed its output");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// Sends a request and returns the response with its id.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string(),
        );
        loop {
            let message = self.read();
            if message["id"] == id {
                return message;
            }
        }
    }

    pub fn tools(&mut self) -> Vec<Value> {
        let list = self.request("tools/list", json!({}));
        list["result"]["tools"].as_array().expect("tools").clone()
    }

    /// A tool call's result (`isError` or not).
    pub fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let response = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        response["result"].clone()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every operation as `describe` shows it (the catalog).
fn operations() -> Vec<Value> {
    serde_json::from_str::<Value>(&stdout(&run(&["describe"])))
        .expect("describe is JSON")
        .as_array()
        .expect("an array")
        .clone()
}

fn method_name(op: &Value) -> String {
    op["method_name"].as_str().expect("method_name").to_owned()
}

/// The per-operation tools `--toolsets all` should list: every operation
/// (reads only unless `writes`), less the deprecated ones whose
/// replacement is listed.
fn expected_all(writes: bool) -> Vec<String> {
    let ops = operations();
    let offered: Vec<&Value> = ops
        .iter()
        .filter(|op| writes || op["method"] == "GET")
        .collect();
    let commands: Vec<String> = offered
        .iter()
        .map(|op| {
            format!(
                "{} {}",
                op["service"].as_str().unwrap(),
                op["action"].as_str().unwrap()
            )
        })
        .collect();
    let mut names: Vec<String> = offered
        .iter()
        .filter(|op| {
            !(op["deprecated"] == true
                && op["replacement"]
                    .as_str()
                    .is_some_and(|r| commands.iter().any(|c| c == r)))
        })
        .map(|op| method_name(op))
        .collect();
    names.sort();
    names
}

fn listed(tools: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = tools
        .iter()
        .map(|t| t["name"].as_str().expect("name").to_owned())
        .filter(|n| {
            ![
                "search_operations",
                "describe_operation",
                "call_operation",
                "who_is_on_call",
            ]
            .contains(&n.as_str())
        })
        .collect();
    names.sort();
    names
}

/// Whether a JSON Schema or one within it carries `example` (a property
/// of that name is not a keyword).
fn has_example_keyword(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    map.contains_key("example")
        || map.iter().any(|(keyword, value)| match keyword.as_str() {
            "properties" | "$defs" => value
                .as_object()
                .is_some_and(|m| m.values().any(has_example_keyword)),
            "anyOf" | "oneOf" | "allOf" => value
                .as_array()
                .is_some_and(|l| l.iter().any(has_example_keyword)),
            "items" | "additionalProperties" => has_example_keyword(value),
            _ => false,
        })
}

#[test]
fn tool_lists_derive_from_the_catalog() {
    let mut all = Session::start(&["--mock", "mcp", "--toolsets", "all"], None);
    let tools = all.tools();
    assert_eq!(listed(&tools), expected_all(false));
    for meta in ["search_operations", "describe_operation", "call_operation"] {
        assert!(tools.iter().any(|t| t["name"] == meta), "{meta}");
    }
    for tool in &tools {
        let name = tool["name"].as_str().unwrap();
        assert!(name.len() <= 64, "{name}");
        assert_eq!(tool["inputSchema"]["type"], "object", "{name}");
    }
    let ops = operations();
    for tool in &tools {
        if let Some(op) = ops.iter().find(|op| method_name(op) == tool["name"]) {
            assert_eq!(
                tool["annotations"]["readOnlyHint"], true,
                "{}",
                tool["name"]
            );
            assert_eq!(op["method"], "GET");
        }
    }

    let mut writes = Session::start(
        &["--mock", "mcp", "--toolsets", "all", "--allow-writes"],
        None,
    );
    let tools = writes.tools();
    assert_eq!(listed(&tools), expected_all(true));
    let delete = tools
        .iter()
        .find(|t| {
            ops.iter()
                .any(|op| op["method"] == "DELETE" && method_name(op) == t["name"])
        })
        .expect("a delete");
    assert_eq!(delete["annotations"]["destructiveHint"], true);
    assert_eq!(delete["annotations"]["idempotentHint"], true);

    // Bodies are listed without their examples (the bulk of the list);
    // describe_operation gives an operation's example whole.
    let with_examples: Vec<&Value> = ops
        .iter()
        .filter(|op| !op["body"].is_null() && !op["body"]["example"].is_null())
        .collect();
    assert!(!with_examples.is_empty());
    for tool in &tools {
        let body = &tool["inputSchema"]["properties"]["body"];
        assert!(!has_example_keyword(body), "{}", tool["name"]);
    }
    let op = method_name(with_examples[0]);
    let described = writes.call("describe_operation", json!({"operation": op}));
    assert_eq!(
        described["structuredContent"]["body_example"], with_examples[0]["body"]["example"],
        "{op}"
    );

    // The default set is a part of the read-only whole.
    let mut default = Session::start(&["--mock", "mcp"], None);
    let some = listed(&default.tools());
    let whole = expected_all(false);
    assert!(
        !some.is_empty() && some.len() < whole.len(),
        "{}",
        some.len()
    );
    assert!(some.iter().all(|n| whole.contains(n)));
    assert!(some.iter().any(|n| n == "incidents_v2_list"));
}

#[test]
fn search_describe_and_call_reach_every_operation() {
    let mut session = Session::start(&["--mock", "mcp", "--toolsets", "catalog"], None);
    let found = session.call("search_operations", json!({"query": "declare an incident"}));
    assert_eq!(
        found["structuredContent"]["matches"][0]["operation"], "incidents_v2_create",
        "{found}"
    );

    let described = session.call(
        "describe_operation",
        json!({"operation": "incidents_v2_list"}),
    );
    let schema = &described["structuredContent"]["input_schema"];
    assert_eq!(
        schema["properties"]["page_size"]["type"], "integer",
        "{described}"
    );

    // Not a tool of the catalog toolset, reached all the same.
    let listed = session.call(
        "call_operation",
        json!({"operation": "incidents_v2_list", "arguments": {"limit": 1, "fields": ["id", "name"]}}),
    );
    assert_eq!(listed["isError"], false, "{listed}");
    let incidents = listed["structuredContent"]["incidents"]
        .as_array()
        .expect("incidents");
    assert_eq!(incidents.len(), 1);
    let keys: Vec<&String> = incidents[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "name"]);

    let shown = session.call(
        "call_operation",
        json!({"operation": "incidents_v2_show", "arguments": {"id": incidents[0]["id"]}}),
    );
    assert_eq!(shown["isError"], false, "{shown}");
    assert!(
        shown["structuredContent"]["incident"].is_object(),
        "{shown}"
    );
}

#[test]
fn wrong_arguments_are_named_and_nothing_is_sent() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(json!({}));
    });
    let base = server.base_url();
    let mut session = Session::start(&["--base-url", &base, "mcp"], Some(SECRET));
    for (arguments, named) in [
        (json!({"id": 5}), "id"),
        (json!({}), "id"),
        (json!({"id": "x", "colour": "red"}), "colour"),
        (json!({"id": "x", "fields": "id"}), "fields"),
    ] {
        let result = session.call(
            "call_operation",
            json!({"operation": "incidents_v2_show", "arguments": arguments}),
        );
        assert_eq!(result["isError"], true, "{result}");
        assert_eq!(result["structuredContent"]["argument"], named, "{result}");
    }
    let result = session.call("incidents_v2_list", json!({"status_category": "live"}));
    assert_eq!(result["isError"], true, "{result}");
    assert_eq!(result["structuredContent"]["argument"], "status_category");

    // A body field is named by its path under `body`.
    let mut writes = Session::start(
        &["--base-url", &base, "mcp", "--allow-writes"],
        Some(SECRET),
    );
    for (body, named) in [
        (json!({"visibility": 5}), "body.visibility"),
        (json!({"name": "db"}), "body.visibility"),
        (json!("not an object"), "body"),
    ] {
        let result = writes.call("incidents_v2_create", json!({"body": body}));
        assert_eq!(result["isError"], true, "{result}");
        assert_eq!(result["structuredContent"]["argument"], named, "{result}");
    }
    any.assert_calls(0);
}

#[test]
fn read_only_sends_nothing_but_gets_whatever_the_arguments() {
    let server = MockServer::start();
    let gets = server.mock(|when, then| {
        when.method(httpmock::Method::GET);
        then.status(200).json_body(json!({}));
    });
    let others = server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(json!({}));
    });
    let base = server.base_url();
    let mut session = Session::start(
        &["--base-url", &base, "mcp", "--toolsets", "all"],
        Some(SECRET),
    );
    let smuggled = "../../v2/incidents?method=POST#";
    let mut writes = 0;
    for op in operations() {
        let mut arguments = serde_json::Map::new();
        for p in op["parameters"].as_array().unwrap() {
            arguments.insert(p["name"].as_str().unwrap().to_owned(), json!(smuggled));
        }
        arguments.insert("method".into(), json!("POST"));
        if op["body"].is_object() {
            arguments.insert("body".into(), json!({"_method": "POST"}));
        }
        let result = session.call(
            "call_operation",
            json!({"operation": method_name(&op), "arguments": arguments}),
        );
        if op["method"] != "GET" {
            writes += 1;
            assert_eq!(result["isError"], true, "{}: {result}", method_name(&op));
            assert_eq!(result["structuredContent"]["type"], "refused", "{result}");
        }
    }
    assert!(writes > 0);
    // Not one request but GETs reached the server; the reads with a stray
    // `method` argument were refused before sending.
    others.assert_calls(0);
    gets.assert_calls(0);
}

#[test]
fn bad_input_gets_clear_errors_and_the_server_goes_on() {
    let mut session = Session::start(&["--mock", "mcp"], None);
    let unknown = session.call("no_such_tool", json!({}));
    assert_eq!(unknown["isError"], true, "{unknown}");

    let wrong_type = session.request(
        "tools/call",
        json!({"name": "search_operations", "arguments": {"query": 5}}),
    );
    assert_eq!(wrong_type["result"]["isError"], true, "{wrong_type}");

    // A line that is not JSON: a parse error (no id can be read), then
    // JSON that is not a message MCP knows: an invalid request, answered
    // with its id so the client's request does not wait for ever. A ping
    // follows each, so a server that skipped the bad line without an
    // answer fails here (its first message would be the ping's answer)
    // instead of leaving the test waiting.
    let ping = json!({"jsonrpc": "2.0", "id": "ping", "method": "ping"}).to_string();
    session.send("{not json");
    session.send(&ping);
    let parse = session.read();
    assert_eq!(parse["error"]["code"], -32700, "{parse}");
    assert!(parse.get("id").is_none(), "{parse}");
    assert_eq!(session.read()["id"], "ping");

    session.send(r#"{"jsonrpc":"2.0","id":"odd","method":"tools/call","params":"x"}"#);
    session.send(&ping);
    let invalid = session.read();
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    assert_eq!(invalid["id"], "odd", "{invalid}");
    assert_eq!(session.read()["id"], "ping");

    // A line over the transport's 16 MiB bound: dropped as it arrives,
    // with an invalid request naming the bound.
    session.send(&"x".repeat(17 * 1024 * 1024));
    session.send(&ping);
    let long = session.read();
    assert_eq!(long["error"]["code"], -32600, "{long}");
    assert!(
        long["error"]["message"]
            .as_str()
            .unwrap()
            .contains("longer than"),
        "{long}"
    );
    assert_eq!(session.read()["id"], "ping");

    // 10 MB of arguments: refused by name and size, nothing sent.
    let huge = "x".repeat(10 * 1024 * 1024);
    let refused = session.call("describe_operation", json!({"operation": huge}));
    assert_eq!(refused["isError"], true);
    let message = refused["structuredContent"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("bytes, over the bound"), "{message}");

    // Still serving.
    let found = session.call("search_operations", json!({"query": "list alerts"}));
    assert_eq!(found["isError"], false, "{found}");
}

#[test]
fn writes_when_allowed_carry_a_replay_key_and_dry_runs_send_nothing() {
    let server = MockServer::start();
    let create = server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path("/v2/incidents")
            .body_includes("idempotency_key");
        then.status(201)
            .json_body(json!({"incident": {"id": "01H"}}));
    });
    let base = server.base_url();
    let mut session = Session::start(
        &["--base-url", &base, "mcp", "--allow-writes"],
        Some(SECRET),
    );
    let result = session.call(
        "incidents_v2_create",
        json!({"body": {"visibility": "public", "name": "db"}}),
    );
    assert_eq!(result["isError"], false, "{result}");
    let key = result["structuredContent"]["generated_replay_key"]
        .as_str()
        .expect("a key");
    assert_eq!(key.len(), 36);
    create.assert_calls(1);
    assert!(!result.to_string().contains(SECRET));

    let mut dry = Session::start(
        &["--base-url", &base, "--dry-run", "mcp", "--allow-writes"],
        Some(SECRET),
    );
    let preview = dry.call(
        "incidents_v2_create",
        json!({"body": {"visibility": "public", "name": "db"}}),
    );
    assert_eq!(preview["structuredContent"]["dry_run"], true, "{preview}");
    let text = preview["structuredContent"]["request"].as_str().unwrap();
    assert!(
        text.contains("Authorization: Bearer ****") && !text.contains(SECRET),
        "{text}"
    );
    create.assert_calls(1);
}

#[test]
fn large_lists_are_cut_between_items_with_a_cursor() {
    let mut session = Session::start(&["--mock", "mcp", "--max-result-bytes", "1500"], None);
    let result = session.call("incidents_v2_list", json!({}));
    assert_eq!(result["isError"], false, "{result}");
    let content = &result["structuredContent"];
    let text = serde_json::to_string(content).unwrap();
    assert!(text.len() <= 1500 + 512, "{}", text.len());
    assert!(content["truncated"].is_object(), "{content}");
    let returned = content["incidents"].as_array().unwrap();
    assert_eq!(content["truncated"]["returned"], returned.len());
    if let Some(last) = returned.last() {
        assert_eq!(content["next_cursor"], last["id"]);
    }
}

#[test]
fn the_key_never_reaches_a_result() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.any_request();
        then.status(401).json_body(
            json!({"type": "authentication_error", "status": 401, "request_id": "r1",
                              "errors": [{"code": "unauthorized", "message": "bad key"}]}),
        );
    });
    let base = server.base_url();
    let mut session = Session::start(&["--base-url", &base, "--no-retry", "mcp"], Some(SECRET));
    let result = session.call("incidents_v2_list", json!({}));
    assert_eq!(result["isError"], true, "{result}");
    assert_eq!(result["structuredContent"]["status"], 401, "{result}");
    assert_eq!(result["structuredContent"]["request_id"], "r1", "{result}");
    assert!(!result.to_string().contains(SECRET));
}

/// `mcp --help` lists every toolset `--toolsets` accepts (the error for an
/// unknown one names them all), and every operation lands in one of them.
#[test]
fn help_lists_every_toolset() {
    let refused = crate::common::run(&["mcp", "--toolsets", "no-such-toolset"]);
    let message = crate::common::stderr(&refused);
    let accepted: Vec<&str> = message
        .split("(there are: ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("the toolsets named")
        .split(", ")
        .filter(|name| *name != "all")
        .collect();
    let help = stdout(&run(&["mcp", "--help"]));
    let listed: Vec<&str> = help
        .split("Toolsets (default: ")
        .nth(1)
        .expect("a toolsets section")
        .lines()
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.trim().split(':').next())
        .collect();
    assert_eq!(listed, accepted);
    // Each toolset alone, together, lists every read-only tool.
    let mut union = Vec::new();
    for name in &accepted {
        let mut session = Session::start(&["--mock", "mcp", "--toolsets", name], None);
        union.extend(listed_tools(&mut session));
    }
    union.sort();
    union.dedup();
    assert_eq!(union, expected_all(false));
}

fn listed_tools(session: &mut Session) -> Vec<String> {
    listed(&session.tools())
}
