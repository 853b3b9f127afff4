//! `whoami`: the key's identity, and the API's message when refused.

use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::common::{code, run, stderr, stdout};
use crate::wire::run_against;

#[test]
fn whoami_prints_the_name_and_roles_of_the_identity() {
    // What `utilities identity` (the same operation) answers on the mock.
    let answer: Value =
        serde_json::from_slice(&run(&["--mock", "utilities", "identity"]).stdout).expect("JSON");
    let identity = &answer["identity"];
    let out = run(&["--mock", "whoami"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        text.lines().next(),
        identity["name"].as_str(),
        "the name first: {text}"
    );
    let roles: Vec<&str> = identity["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .map(|r| r.as_str().expect("a role"))
        .collect();
    assert!(
        text.contains(&format!("roles: {}", roles.join(", "))),
        "{text}"
    );
    // As JSON, the API's answer unchanged.
    let out = run(&["--mock", "whoami", "-o", "json"]);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).expect("JSON"),
        answer
    );
}

#[test]
fn a_refused_key_exits_1_with_the_api_message() {
    let server = MockServer::start();
    let identity = server.mock(|when, then| {
        when.method(GET).path("/v1/identity");
        then.status(401).json_body(json!({
            "type": "authentication_error",
            "status": 401,
            "request_id": "req-401",
            "errors": [{ "code": "unauthorized", "message": "The API key provided is not valid" }],
        }));
    });
    let out = run_against(&server.base_url(), &["whoami"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("The API key provided is not valid"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    identity.assert_calls(1);
}
