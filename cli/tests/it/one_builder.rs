//! One builder for every front end: the same arguments, given as command
//! flags, as an `--each` line and as an MCP tool call, make the same
//! request on the wire (the library's `OperationInfo::request` builds all
//! three). Checked for an id that needs encoding, a filter with two
//! values, a body, and a header parameter that replaces the API key.

use httpmock::prelude::*;
use incidentio::mock::{MockApi, MockRequest};
use serde_json::{Value, json};

use crate::common::{SECRET, code, run_with, stderr, stdout};
use crate::mcp::Session;

/// What of a request the three front ends must agree on.
fn wire(request: &MockRequest) -> (String, String, Vec<(String, String)>, Option<Value>) {
    let mut body = request.json();
    // A generated replay key differs from call to call by design.
    if let Some(Value::Object(map)) = &mut body {
        map.remove("idempotency_key");
    }
    (
        request.method.clone(),
        request.path.clone(),
        request.query_pairs(),
        body,
    )
}

/// Sends `flags`, then `line` through `--each`, then `tool` with
/// `arguments` over MCP, all against one mock, and returns the three
/// requests the mock saw for `operation`.
fn three_ways(
    operation: &str,
    command: &[&str],
    flags: &[&str],
    line: &Value,
    arguments: &Value,
) -> Vec<MockRequest> {
    let mock = MockApi::start_blocking();
    let base = mock.base_url();
    let mut argv = vec!["--base-url", base.as_str(), "--no-retry"];
    argv.extend_from_slice(command);
    let mut by_flags = argv.clone();
    by_flags.extend_from_slice(flags);
    let out = run_with(&by_flags, Some(SECRET), None);
    assert_eq!(code(&out), 0, "flags: {}", stderr(&out));
    let mut each = argv.clone();
    each.extend_from_slice(&["--each", "--input", "-"]);
    let out = run_with(&each, Some(SECRET), Some(&format!("{line}\n")));
    assert_eq!(code(&out), 0, "--each: {} {}", stdout(&out), stderr(&out));
    let mut session = Session::start(
        &["--base-url", &base, "mcp", "--allow-writes"],
        Some(SECRET),
    );
    let result = session.call(operation, arguments.clone());
    assert_eq!(result["isError"], false, "mcp: {result}");
    let requests = mock.on(operation).expect("a route").requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    requests
}

fn assert_same(requests: &[MockRequest]) {
    let first = wire(&requests[0]);
    for other in &requests[1..] {
        assert_eq!(wire(other), first);
    }
}

#[test]
fn an_id_that_needs_encoding_stays_one_segment() {
    let id = "a/b c?d#e";
    let requests = three_ways(
        "incidents_v2_show",
        &["incidents-v2", "show"],
        &[id],
        &json!({"id": id}),
        &json!({"id": id}),
    );
    assert_same(&requests);
    assert_eq!(requests[0].path, "/v2/incidents/a%2Fb%20c%3Fd%23e");
}

#[test]
fn a_filter_with_two_values() {
    let requests = three_ways(
        "incidents_v2_list",
        &["incidents-v2", "list"],
        &[
            "--status-category",
            "one_of=live",
            "--status-category",
            "one_of=learning",
        ],
        &json!({"status_category": {"one_of": ["live", "learning"]}}),
        &json!({"status_category": {"one_of": ["live", "learning"]}}),
    );
    assert_same(&requests);
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        requests[0].query_pairs(),
        [
            pair("status_category[one_of]", "live"),
            pair("status_category[one_of]", "learning")
        ]
    );
}

#[test]
fn a_body() {
    let body = json!({"name": "Database slow", "visibility": "public", "mode": "standard"});
    let requests = three_ways(
        "incidents_v2_create",
        &["incidents-v2", "create"],
        &[
            "--field",
            "name=Database slow",
            "--field",
            "visibility=public",
            "--field",
            "mode=standard",
        ],
        &body,
        &json!({"body": body}),
    );
    assert_same(&requests);
    for request in &requests {
        let sent = request.json().expect("a JSON body");
        assert!(
            sent["idempotency_key"]
                .as_str()
                .is_some_and(|k| k.len() == 36),
            "every front end sends a generated key: {sent}"
        );
    }
}

#[test]
fn a_header_parameter_replaces_the_api_key_and_is_never_shown() {
    const HEARTBEAT_SECRET: &str = "Bearer hb_secret_7d1e";
    let server = MockServer::start();
    let with_secret = server.mock(|when, then| {
        when.method(POST)
            .path("/v2/heartbeat/01GW2G3V0S59R238FAHPDS1R66/ping")
            .header("authorization", HEARTBEAT_SECRET);
        then.status(200).json_body(json!({}));
    });
    let anything_else = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    let base = server.base_url();
    let source = "01GW2G3V0S59R238FAHPDS1R66";
    let common = [
        "--base-url",
        base.as_str(),
        "--no-retry",
        "heartbeat-v2",
        "ping",
    ];

    // The flag; no API key at all.
    let mut argv = common.to_vec();
    argv.extend_from_slice(&[source, "--authorization", HEARTBEAT_SECRET]);
    let out = run_with(&argv, None, None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // A file, with an API key present: the secret still wins.
    let file = std::env::temp_dir().join(format!("incidentio-hb-{}", std::process::id()));
    std::fs::write(&file, format!("{HEARTBEAT_SECRET}\n")).expect("write");
    let path = file.to_string_lossy().into_owned();
    let mut argv = common.to_vec();
    argv.extend_from_slice(&[source, "--authorization-file", &path]);
    let out = run_with(&argv, Some(SECRET), None);
    let _ = std::fs::remove_file(&file);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // An --each line, and the environment variable for a dry run: masked.
    let mut argv = common.to_vec();
    argv.extend_from_slice(&["--each", "--input", "-"]);
    let line = json!({"alert_source_config_id": source, "authorization": HEARTBEAT_SECRET});
    let out = run_with(&argv, None, Some(&format!("{line}\n")));
    assert_eq!(code(&out), 0, "{} {}", stdout(&out), stderr(&out));
    let mut dry = crate::common::incidentio(&["--dry-run", "heartbeat-v2", "ping", source], None);
    let dry = dry
        .env("INCIDENTIO_AUTHORIZATION", HEARTBEAT_SECRET)
        .output()
        .expect("runs");
    assert_eq!(code(&dry), 0, "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("authorization: ****"),
        "{}",
        stdout(&dry)
    );

    // An MCP tool argument; a dry run of it masks the value too.
    let mut session = Session::start(
        &["--base-url", &base, "mcp", "--allow-writes"],
        Some(SECRET),
    );
    let result = session.call(
        "heartbeat_v2_ping",
        json!({"alert_source_config_id": source, "authorization": HEARTBEAT_SECRET}),
    );
    assert_eq!(result["isError"], false, "{result}");
    let mut preview = Session::start(
        &["--base-url", &base, "--dry-run", "mcp", "--allow-writes"],
        Some(SECRET),
    );
    let result = preview.call(
        "heartbeat_v2_ping",
        json!({"alert_source_config_id": source, "authorization": HEARTBEAT_SECRET}),
    );
    assert_eq!(result["isError"], false, "{result}");

    with_secret.assert_calls(4);
    anything_else.assert_calls(0);
    for shown in [stdout(&dry), stderr(&dry), result.to_string()] {
        assert!(
            !shown.contains("hb_secret"),
            "the secret was shown: {shown}"
        );
    }
}

/// Every front end reports the library's verdict on retrying: a 503 to a
/// create without a replay key is not retryable (the create may have
/// happened), a 503 to a read is.
#[test]
fn retryable_is_the_librarys_verdict_everywhere() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.any_request();
        then.status(503)
            .header("content-type", "application/json")
            .body(r#"{"type":"unavailable","status":503,"errors":[]}"#);
    });
    let base = server.base_url();
    let create = [
        "--base-url",
        base.as_str(),
        "--no-retry",
        "--output",
        "json",
        "severities-v1",
        "create",
    ];
    let fields = [
        "--field",
        "name=x",
        "--field",
        "description=d",
        "--field",
        "rank:=1",
    ];

    let mut argv = create.to_vec();
    argv.extend_from_slice(&fields);
    let out = run_with(&argv, Some(SECRET), None);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let error: Value = serde_json::from_str(stderr(&out).trim()).expect("a JSON error");
    assert_eq!(error["retryable"], false, "{error}");

    let mut argv = create.to_vec();
    argv.extend_from_slice(&["--each", "--input", "-"]);
    let line = json!({"name": "x", "description": "d", "rank": 1});
    let out = run_with(&argv, Some(SECRET), Some(&format!("{line}\n")));
    let record: Value = serde_json::from_str(stdout(&out).trim()).expect("a record");
    assert_eq!(record["error"]["retryable"], false, "{record}");

    let mut session = Session::start(
        &[
            "--base-url",
            &base,
            "--no-retry",
            "mcp",
            "--allow-writes",
            "--toolsets",
            "all",
        ],
        Some(SECRET),
    );
    let result = session.call("severities_v1_create", json!({"body": line}));
    assert_eq!(result["isError"], true, "{result}");
    assert_eq!(result["structuredContent"]["retryable"], false, "{result}");
    let result = session.call("severities_v1_list", json!({}));
    assert_eq!(result["isError"], true, "{result}");
    assert_eq!(result["structuredContent"]["retryable"], true, "{result}");

    let out = run_with(
        &[
            "--base-url",
            &base,
            "--no-retry",
            "-o",
            "json",
            "severities-v1",
            "list",
        ],
        Some(SECRET),
        None,
    );
    let error: Value = serde_json::from_str(stderr(&out).trim()).expect("a JSON error");
    assert_eq!(error["retryable"], true, "{error}");
}
