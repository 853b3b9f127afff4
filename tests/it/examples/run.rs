//! Every example runs to completion against the built-in mock: with
//! `INCIDENT_IO_API_KEY` unset each one starts `incidentio::mock` itself.
//!
//! `cargo test` builds the examples before running tests; this runs the
//! binaries it built (under `target/<profile>/examples/`), so a
//! `cargo test --test it examples::` on its own needs a
//! `cargo build --examples` first.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use incidentio::Method;
use incidentio::mock::MockApi;
use serde_json::Value;

/// Runs example `name` with no API key and returns its stdout, failing on
/// a non-zero exit, a missing binary or a run longer than a minute.
fn run(name: &str) -> String {
    // target/<profile>/deps/it-<hash> → target/<profile>/examples/
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("examples"))
        .expect("target directory");
    let binary: PathBuf = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.is_file(),
        "{} is missing: run `cargo test` (which builds the examples) or \
         `cargo build --examples` first",
        binary.display()
    );

    let mut child = Command::new(&binary)
        .env_remove(incidentio::API_KEY_ENV)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("example {name} did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "example {name} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(
        stdout.starts_with("INCIDENT_IO_API_KEY is not set: running against the built-in mock"),
        "example {name} should say it runs against the mock:\n{stdout}"
    );
    stdout
}

#[test]
fn quickstart_lists_and_shows_an_incident() {
    let out = run("quickstart");
    assert!(out.contains("most recent incidents:"), "{out}");
    assert!(out.contains("  severity: "), "{out}");
    assert!(out.contains("  status:   "), "{out}");
}

#[test]
fn create_incident_declares_one() {
    let out = run("create_incident");
    assert!(out.contains("declared "), "{out}");
}

#[test]
fn paginate_alerts_walks_to_the_end() {
    let expected = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(alerts_the_mock_serves());
    assert!(expected > 0, "the mock serves alerts to walk");

    let out = run("paginate_alerts");
    let summary = out
        .lines()
        .find(|line| line.contains(" firing alerts since "))
        .unwrap_or_else(|| panic!("no summary line:\n{out}"));
    let total: usize = summary
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {summary:?}"));
    assert_eq!(total, expected, "the count it reports:\n{out}");
    // One line per alert before the summary, one per source after it.
    let (listed, by_source) = out.split_once(summary).unwrap();
    let listed = listed.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(listed, expected, "the alerts it printed:\n{out}");
    let by_source: usize = by_source
        .lines()
        .filter_map(|l| l.split_whitespace().next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(by_source, expected, "the per-source counts:\n{out}");
}

/// How many alerts a walk over the built-in mock finds (as the example's
/// walk should), counted by following `pagination_meta.after` by hand with
/// raw requests, apart from the library's pagination.
async fn alerts_the_mock_serves() -> usize {
    let mock = MockApi::start().await;
    let client = mock.client().unwrap();
    let mut total = 0;
    let mut after: Option<String> = None;
    for _ in 0..100 {
        let mut request = client.request(Method::GET, "/v2/alerts");
        if let Some(cursor) = &after {
            request = request.query("after", cursor);
        }
        let page: Value = request.send_as().await.unwrap();
        total += page["alerts"].as_array().expect("an alerts array").len();
        after = page["pagination_meta"]["after"]
            .as_str()
            .filter(|cursor| !cursor.is_empty())
            .map(str::to_owned);
        if after.is_none() {
            return total;
        }
    }
    panic!("the mock's pages never end");
}

#[test]
fn catalog_sync_upserts_the_list() {
    let out = run("catalog_sync");
    assert!(out.contains("3 created, 0 updated, 0 unchanged"), "{out}");
    assert!(
        out.contains("kept "),
        "the example entry is left alone: {out}"
    );
}

#[cfg(feature = "webhooks")]
#[test]
fn webhook_receiver_verifies_and_dispatches() {
    let out = run("webhook_receiver");
    assert!(out.contains("msg_1: 200 opened private INC-"), "{out}");
    assert!(out.contains("msg_2: 200 ignored new event type"), "{out}");
    assert!(out.contains("msg_3: 400 rejected"), "{out}");
}

#[test]
fn otel_traces_exports_each_attempt_as_a_client_span() {
    let out = run("otel_traces");
    let spans: Vec<&str> = out.split("Span #").skip(1).collect();
    let named = |name: &str| {
        spans
            .iter()
            .filter(|span| span.contains(&format!("Name         : {name}\n")))
            .count()
    };
    assert_eq!(
        named("GET /v1/severities"),
        2,
        "a 503, then its retry:\n{out}"
    );
    assert_eq!(named("GET /v1/severities/{id}"), 1, "the 404:\n{out}");
    assert_eq!(
        named("sync_severities"),
        1,
        "the program's own span:\n{out}"
    );
    for expected in [
        "Kind         : Client",
        "http.request.method: String(Owned(\"GET\"))",
        "url.template: String(Owned(\"/v1/severities/{id}\"))",
        "server.address: String(Owned(\"127.0.0.1\"))",
        "http.response.status_code: I64(503)",
        "http.request.resend_count: I64(1)",
        "error.type: String(Owned(\"404\"))",
        "operation_id: String(Owned(\"Severities V1#Show\"))",
    ] {
        assert!(out.contains(expected), "no {expected} in:\n{out}");
    }
    assert!(out.contains("show failed: 404"), "{out}");
}
