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
//!   in interleaved rounds, medians per call.
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
