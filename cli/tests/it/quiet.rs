//! `--quiet` on mutations: nothing printed on success, the exit code tells.

use httpmock::prelude::*;
use incidentio::mock::MockApi;
use serde_json::{Value, json};

use crate::common::{code, run, stderr, stdout};
use crate::wire::run_against;

#[test]
fn quiet_create_prints_nothing_and_still_sends_a_key() {
    let mock = MockApi::start_blocking();
    let args = [
        "incidents",
        "create",
        "--field",
        "visibility=public",
        "--field",
        "name=db",
        "--quiet",
    ];
    let out = run_against(&mock.base_url(), &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let sent = mock
        .on("incidents_v2_create")
        .expect("route")
        .requests()
        .remove(0)
        .json()
        .expect("a body");
    assert_eq!(sent["idempotency_key"].as_str().map(str::len), Some(36));
    // A refusal still says why, on stderr, with its exit code.
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/v2/incidents");
        then.status(422).json_body(json!({
            "type": "validation_error", "status": 422,
            "errors": [{ "message": "A severity is required" }],
        }));
    });
    let out = run_against(&server.base_url(), &args);
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("A severity is required"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn quiet_is_offered_on_every_mutation_and_no_read() {
    let all: Value = serde_json::from_slice(&run(&["describe"]).stdout).expect("JSON");
    for op in all.as_array().expect("array") {
        let service = op["service"].as_str().expect("service");
        let action = op["action"].as_str().expect("action");
        let help = stdout(&run(&[service, action, "--help"]));
        assert_eq!(
            help.contains("--quiet"),
            op["method"] != "GET",
            "{service} {action}"
        );
    }
}
