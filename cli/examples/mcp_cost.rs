//! What `incidentio mcp` costs an agent, measured (issue 29; run by
//! `cli/scripts/measure-mcp.sh`, figures in `benches/README.md`):
//!
//! - the size of `tools/list` in bytes (and tokens at about 4 bytes each)
//!   for the default toolsets, for every toolset (read-only and with
//!   writes) and for the three meta-tools alone;
//! - start-up: from spawning the server to its answer to the first
//!   `tools/list` (initialize sent first), median of many runs;
//! - a `tools/call` round trip (`incidents_v2_show` against the built-in
//!   mock) against the same call through the library on a mock of its own,
//!   in interleaved rounds, medians per call;
//! - what a model receives for a 250-incident page (the spec's example
//!   incident, 250 times, from a loopback server): the result's text in
//!   bytes and items, plain and with a `jq` projection.
//!
//! Usage: `mcp_cost <path to the incidentio binary> [rounds]`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The incident the round trips fetch (the spec's example).
const INCIDENT_ID: &str = "01FDAG4SAP5TYPT98WGR2N7W91";
/// Calls of each kind in one round.
const CALLS_PER_ROUND: usize = 200;
/// Start-ups timed.
const START_UPS: usize = 20;

/// A running server and its pipes.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Server {
    fn spawn(binary: &str, args: &[&str]) -> Server {
        let mut child = Command::new(binary)
            .args(args)
            .env_remove("INCIDENT_API_KEY")
            .env("INCIDENT_IO_API_KEY", "measure-mcp-not-a-key")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{binary} does not run: {e}"));
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Server {
            child,
            stdin,
            stdout,
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        writeln!(self.stdin, "{message}").expect("write");
        self.stdin.flush().expect("flush");
    }

    /// Sends a request; the answer's line as the server wrote it.
    fn request(&mut self, method: &str, params: Value) -> String {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).expect("read");
            assert!(!line.is_empty(), "the server closed its output");
            let message: Value = serde_json::from_str(&line).expect("JSON");
            if message["id"] == id {
                return line;
            }
        }
    }

    fn initialize(&mut self) {
        self.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "mcp_cost", "version": "0"},
            }),
        );
        self.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The result of `incidents_v2_list` for one page of 250 incidents.
fn page_result(binary: &str) {
    let example = incidentio::mock::example_response("incidents_v2_show").expect("an example");
    let incidents: Vec<Value> = (0..250)
        .map(|i| {
            let mut incident = example["incident"].clone();
            incident["id"] = json!(format!("01HX{i:06}"));
            incident
        })
        .collect();
    let page = json!({"incidents": incidents, "pagination_meta": {"page_size": 250, "after": "01HX000249"}});
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        when.method(httpmock::Method::GET).path("/v2/incidents");
        then.status(200).json_body(page.clone());
    });
    let base = server.base_url();
    let mut mcp = Server::spawn(binary, &["--base-url", &base, "mcp"]);
    mcp.initialize();
    println!(
        "\n## a 250-incident page ({} bytes from the server)",
        page.to_string().len()
    );
    println!("| arguments | result text, bytes | items | tokens (bytes / 4) |");
    println!("| --- | --- | --- | --- |");
    for arguments in [
        json!({"page_size": 250}),
        json!({"page_size": 250, "jq": ".incidents[] | {id, name, status: .incident_status.name}"}),
    ] {
        let line = mcp.request(
            "tools/call",
            json!({"name": "incidents_v2_list", "arguments": arguments}),
        );
        let answer: Value = serde_json::from_str(&line).expect("JSON");
        let text = answer["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or("");
        let result: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let items = result["incidents"]
            .as_array()
            .or_else(|| result["results"].as_array())
            .map_or(0, Vec::len);
        println!(
            "| `{arguments}` | {} | {items} | {} |",
            text.len(),
            text.len() / 4
        );
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let binary = args
        .next()
        .expect("usage: mcp_cost <path to the incidentio binary> [rounds]");
    let rounds: usize = args.next().map_or(10, |r| r.parse().expect("rounds"));

    println!("## tools/list");
    println!("| server | tools | bytes | tokens (bytes / 4) |");
    println!("| --- | --- | --- | --- |");
    for (what, flags) in [
        ("default toolsets", vec!["mcp"]),
        ("--toolsets all", vec!["mcp", "--toolsets", "all"]),
        (
            "--toolsets all --allow-writes",
            vec!["mcp", "--toolsets", "all", "--allow-writes"],
        ),
        (
            "meta-tools alone (--toolsets '')",
            vec!["mcp", "--toolsets", ""],
        ),
    ] {
        let mut server = Server::spawn(&binary, &flags);
        server.initialize();
        let line = server.request("tools/list", json!({}));
        let answer: Value = serde_json::from_str(&line).expect("JSON");
        let tools = answer["result"]["tools"].as_array().expect("tools").len();
        let bytes = line.trim_end().len();
        println!("| {what} | {tools} | {bytes} | {} |", bytes / 4);
    }

    page_result(&binary);

    let mut start_ups = Vec::new();
    for _ in 0..START_UPS {
        let started = Instant::now();
        let mut server = Server::spawn(&binary, &["mcp"]);
        server.initialize();
        server.request("tools/list", json!({}));
        start_ups.push(started.elapsed());
    }
    println!(
        "\nstart-up to the first tools/list answer: median {:.1} ms of {START_UPS}",
        median(start_ups).as_secs_f64() * 1e3
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mock = runtime.block_on(incidentio::mock::MockApi::start());
    let client = mock.client().expect("a client");
    let mut server = Server::spawn(&binary, &["--mock", "mcp"]);
    server.initialize();
    let call = json!({"name": "incidents_v2_show", "arguments": {"id": INCIDENT_ID}});
    let (mut through_mcp, mut through_library) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // Order rotated between rounds, so drifting load falls on both.
        for kind in [round % 2, (round + 1) % 2] {
            for _ in 0..CALLS_PER_ROUND {
                let started = Instant::now();
                if kind == 0 {
                    let line = server.request("tools/call", call.clone());
                    assert!(line.contains("\"isError\":false"), "{line}");
                    through_mcp.push(started.elapsed());
                } else {
                    runtime
                        .block_on(client.incidents_v2_show().id(INCIDENT_ID).send())
                        .expect("the library's call");
                    through_library.push(started.elapsed());
                }
            }
        }
    }
    let (mcp, library) = (median(through_mcp), median(through_library));
    println!(
        "tools/call incidents_v2_show against --mock: median {:.0} µs; the library on its own mock: {:.0} µs; ratio {:.2} ({rounds} interleaved rounds of {CALLS_PER_ROUND})",
        mcp.as_secs_f64() * 1e6,
        library.as_secs_f64() * 1e6,
        mcp.as_secs_f64() / library.as_secs_f64()
    );
}
