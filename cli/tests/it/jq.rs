//! `--jq`: on a list, a show, `api`, `--all`; a bad expression sends
//! nothing. Expectations are read from the same command's JSON without
//! `--jq`.

use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::common::{code, run, stderr, stdout};
use crate::wire::{run_against, three_pages};

fn lines(out: &std::process::Output) -> Vec<String> {
    stdout(out).lines().map(str::to_owned).collect()
}

#[test]
fn jq_on_a_list_prints_strings_raw() {
    let plain = run(&["--mock", "incidents", "list"]);
    let page: Value = serde_json::from_slice(&plain.stdout).expect("JSON");
    let names: Vec<String> = page["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .map(|i| i["name"].as_str().expect("name").to_owned())
        .collect();
    assert!(!names.is_empty());
    let out = run(&["--mock", "incidents", "list", "--jq", ".incidents[].name"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(lines(&out), names);
    // Anything but a string is JSON, one value a line.
    let out = run(&["--mock", "incidents", "list", "--jq", ".incidents[] | {id}"]);
    let first: Value = serde_json::from_str(&lines(&out)[0]).expect("JSON");
    assert_eq!(first, json!({ "id": page["incidents"][0]["id"] }));
}

#[test]
fn jq_on_a_show_and_on_describe() {
    let id = "01FCNDV6P870EA6S7TK1DSYD5H";
    let plain: Value =
        serde_json::from_slice(&run(&["--mock", "incidents", "show", id]).stdout).expect("JSON");
    let out = run(&[
        "--mock",
        "incidents",
        "show",
        id,
        "--jq",
        ".incident.reference",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "{}\n",
            plain["incident"]["reference"].as_str().expect("reference")
        )
    );
    let out = run(&["describe", "incidents-v2", "show", "--jq", ".path"]);
    assert_eq!(stdout(&out), "/v2/incidents/{id}\n");
}

#[test]
fn jq_on_api_and_per_item_with_all() {
    let server = MockServer::start();
    let pages = three_pages(&server);
    let base = server.base_url();
    let out = run_against(
        &base,
        &[
            "api",
            "GET",
            "/v2/incidents",
            "--jq",
            ".pagination_meta.after",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(lines(&out), ["c1"]);
    // --all: the expression sees each item, not the page.
    let out = run_against(&base, &["incidents", "list", "--all", "--jq", ".id"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        lines(&out),
        ["inc-1", "inc-2", "inc-3", "inc-4", "inc-5", "inc-6"]
    );
    let out = run_against(
        &base,
        &["api", "GET", "/v2/incidents", "--all", "--jq", ".extra"],
    );
    assert_eq!(lines(&out), ["1", "2", "3", "4", "5", "6"]);
    let out = run_against(
        &base,
        &[
            "incidents",
            "list",
            "--limit",
            "3",
            "--jq",
            "select(.extra > 1) | .id",
        ],
    );
    assert_eq!(lines(&out), ["inc-2", "inc-3"]);
    pages[2].assert_calls(2);
}

#[test]
fn a_bad_expression_is_a_usage_error_and_sends_nothing() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(json!({ "incidents": [] }));
    });
    let base = server.base_url();
    for (expr, position) in [
        (".incidents[", "at character 12"),
        (".a | nosuchfilter", "at character 6"),
        (".a |", "at character 5"),
    ] {
        let out = run_against(&base, &["incidents", "list", "--jq", expr]);
        assert_eq!(code(&out), 2, "{expr}: {}", stderr(&out));
        assert!(stderr(&out).contains(position), "{expr}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
        let out = run_against(&base, &["api", "POST", "/v2/incidents", "--jq", expr]);
        assert_eq!(code(&out), 2, "{expr}: {}", stderr(&out));
    }
    any.assert_calls(0);
    // A filter that fails on the answer: sent, exit 5, the message cut short.
    let out = run_against(&base, &["incidents", "list", "--jq", ".incidents.x"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    any.assert_calls(1);
}
