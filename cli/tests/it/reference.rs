//! `INC-123` for an incident id: the show call takes its number; another
//! operation's `incident_id` is resolved through that call first.

use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::common::{code, run, stderr};
use crate::wire::run_against;

/// The path of a command, from `describe`.
fn path_of(service: &str, action: &str) -> String {
    let op: Value =
        serde_json::from_slice(&run(&["describe", service, action]).stdout).expect("JSON");
    op["path"].as_str().expect("path").to_owned()
}

#[test]
fn show_takes_the_number_and_others_resolve_once() {
    let server = MockServer::start();
    let show_path = path_of("incidents", "show").replace("{id}", "123");
    let show = server.mock(|when, then| {
        when.method(GET).path(show_path.as_str());
        then.status(200).json_body(
            json!({ "incident": { "id": "01RESOLVEDINCIDENT", "reference": "INC-123" } }),
        );
    });
    let list_path = path_of("follow-ups", "list");
    let list = server.mock(|when, then| {
        when.method(GET)
            .path(list_path.as_str())
            .query_param("incident_id", "01RESOLVEDINCIDENT");
        then.status(200).json_body(json!({ "follow_ups": [] }));
    });
    let base = server.base_url();
    let out = run_against(&base, &["incidents", "show", "INC-123"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    show.assert_calls(1);
    let out = run_against(&base, &["follow-ups", "list", "--incident-id", "inc-123"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // One resolving request, then the call with the resolved id.
    show.assert_calls(2);
    list.assert_calls(1);
    // An id that is not a reference goes as is, with no resolving call.
    let plain = server.mock(|when, then| {
        when.method(GET)
            .path(list_path.as_str())
            .query_param("incident_id", "01PLAIN");
        then.status(200).json_body(json!({ "follow_ups": [] }));
    });
    let out = run_against(&base, &["follow-ups", "list", "--incident-id", "01PLAIN"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    plain.assert_calls(1);
    show.assert_calls(2);
}
