//! Exact wire behaviour against servers on 127.0.0.1.

use std::process::Output;

use httpmock::prelude::*;
use incidentio::filter::Filter;
use incidentio::mock::MockApi;
use serde_json::{Value, json};

use crate::common::{SECRET, code, run_with, stderr, stdout};

/// Runs with the secret key against `base`, checking the key never shows.
pub fn run_against(base: &str, args: &[&str]) -> Output {
    let mut argv = vec!["--base-url", base, "--no-retry"];
    argv.extend_from_slice(args);
    let out = run_with(&argv, Some(SECRET), None);
    assert!(!stdout(&out).contains(SECRET), "the key leaked to stdout");
    assert!(!stderr(&out).contains(SECRET), "the key leaked to stderr");
    out
}

#[test]
fn deep_object_filters_encode_as_the_library_does() {
    let mock = MockApi::start_blocking();
    let base = mock.base_url();
    let out = run_against(
        &base,
        &[
            "incidents-v2",
            "list",
            "--status-category",
            "one_of=live",
            "--status-category",
            "one_of=learning",
            "--custom-field",
            "01GBSQF3FHF7FWZQNWGHAVQ805:one_of=X",
            "--created-at",
            "date_range=2024-01-01~2024-02-01",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let route = mock.on("incidents_v2_list").expect("route");
    let cli = route.requests().remove(0).query_pairs();
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        cli,
        [
            pair("status_category[one_of]", "live"),
            pair("status_category[one_of]", "learning"),
            pair("created_at[date_range]", "2024-01-01~2024-02-01"),
            pair("custom_field[01GBSQF3FHF7FWZQNWGHAVQ805][one_of]", "X"),
        ]
    );
    // The library's own encoding of the same filters, on the same mock.
    let client = mock.client().expect("client");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            client
                .incidents_v2_list()
                .status_category(Filter::one_of(["live", "learning"]))
                .custom_field(Filter::keyed(
                    "01GBSQF3FHF7FWZQNWGHAVQ805",
                    Filter::one_of(["X"]),
                ))
                .created_at(Filter::date_range("2024-01-01", "2024-02-01"))
                .send()
                .await
                .expect("the library call")
        });
    let library = route.requests().remove(1).query_pairs();
    let mut cli_sorted = cli.clone();
    let mut library_sorted = library.clone();
    cli_sorted.sort();
    library_sorted.sort();
    assert_eq!(cli_sorted, library_sorted);
    assert!(cli.contains(&(
        "custom_field[01GBSQF3FHF7FWZQNWGHAVQ805][one_of]".to_owned(),
        "X".to_owned()
    )));
    let live = cli.iter().position(|p| p.1 == "live").expect("live");
    let learning = cli
        .iter()
        .position(|p| p.1 == "learning")
        .expect("learning");
    assert!(live < learning, "repeated values keep their order");
}

/// Three pages of two items: `c1`, `c2` cursors, the last page has none.
pub fn three_pages(server: &MockServer) -> Vec<httpmock::Mock<'_>> {
    let pages = [
        (None, Some("c1"), [1, 2]),
        (Some("c1"), Some("c2"), [3, 4]),
        (Some("c2"), None, [5, 6]),
    ];
    pages
        .into_iter()
        .map(|(after, next, ids)| {
            server.mock(|when, then| {
                let when = when.method(GET).path("/v2/incidents");
                match after {
                    None => when.query_param_missing("after"),
                    Some(a) => when.query_param("after", a),
                };
                let mut meta = json!({ "page_size": 2 });
                if let Some(next) = next {
                    meta["after"] = json!(next);
                }
                then.status(200).json_body(json!({
                    "incidents": ids.iter().map(|i| json!({ "id": format!("inc-{i}"), "extra": i })).collect::<Vec<_>>(),
                    "pagination_meta": meta,
                }));
            })
        })
        .collect()
}

pub fn ids(out: &Output) -> Vec<String> {
    stdout(out)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("ndjson")["id"]
                .as_str()
                .expect("id")
                .to_owned()
        })
        .collect()
}

#[test]
fn all_walks_every_page_in_order() {
    let server = MockServer::start();
    let pages = three_pages(&server);
    let out = run_against(
        &server.base_url(),
        &["incidents-v2", "list", "--all", "-o", "ndjson"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        ids(&out),
        ["inc-1", "inc-2", "inc-3", "inc-4", "inc-5", "inc-6"]
    );
    for page in &pages {
        page.assert_calls(1);
    }
    // The JSON array form, written incrementally, parses and keeps unknown fields.
    let out = run_against(&server.base_url(), &["incidents-v2", "list", "--all"]);
    let all: Value = serde_json::from_slice(&out.stdout).expect("a JSON array");
    assert_eq!(all.as_array().expect("array").len(), 6);
    assert_eq!(all[5]["extra"], 6);
}

#[test]
fn all_passes_items_on_as_the_api_wrote_them() {
    // Keys out of alphabetical order, a number written `1.50`, an escaped
    // character: a value read and written again would change all three.
    // The second item is pretty-printed: on one line, it must be rewritten.
    let first = r#"{"zeta":1.50,"id":"inc-1","name":"caf\u00e9"}"#;
    let second = "{\n  \"id\": \"inc-2\",\n  \"b\": [1,\n 2]\n}";
    let page = format!(r#"{{"incidents":[{first},{second}],"pagination_meta":{{"page_size":2}}}}"#);
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/v2/incidents");
        then.status(200)
            .header("content-type", "application/json")
            .body(&page);
    });
    let out = run_against(
        &server.base_url(),
        &["incidents-v2", "list", "--all", "-o", "ndjson"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0], first);
    assert_eq!(
        serde_json::from_str::<Value>(lines[1]).unwrap(),
        json!({ "id": "inc-2", "b": [1, 2] })
    );
    // The JSON array form (piped: compact) holds the same text.
    let out = run_against(&server.base_url(), &["incidents-v2", "list", "--all"]);
    let text = stdout(&out);
    assert!(text.contains(first), "{text}");
    let all: Value = serde_json::from_str(&text).expect("a JSON array");
    assert_eq!(all[1]["b"], json!([1, 2]));
}

#[test]
fn limit_fetches_only_the_pages_needed() {
    let server = MockServer::start();
    let pages = three_pages(&server);
    let out = run_against(
        &server.base_url(),
        &[
            "incidents-v2",
            "list",
            "--all",
            "--limit",
            "3",
            "-o",
            "ndjson",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ids(&out), ["inc-1", "inc-2", "inc-3"]);
    pages[0].assert_calls(1);
    pages[1].assert_calls(1);
    pages[2].assert_calls(0);
    let out = run_against(
        &server.base_url(),
        &["incidents-v2", "list", "--limit", "2", "-o", "ndjson"],
    );
    assert_eq!(ids(&out), ["inc-1", "inc-2"]);
    pages[0].assert_calls(2);
    pages[1].assert_calls(1);
}

#[test]
fn repeated_cursor_stops_with_an_error() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/v2/incidents");
        then.status(200).json_body(json!({
            "incidents": [{ "id": "same" }],
            "pagination_meta": { "after": "loop", "page_size": 1 },
        }));
    });
    let out = run_against(
        &server.base_url(),
        &["incidents-v2", "list", "--all", "-o", "ndjson"],
    );
    assert_ne!(code(&out), 0);
    assert!(stderr(&out).contains("loop"), "{}", stderr(&out));
    assert_eq!(ids(&out), ["same", "same"]);
    // As a JSON array, the output is still a complete array.
    let out = run_against(&server.base_url(), &["incidents-v2", "list", "--all"]);
    assert_ne!(code(&out), 0);
    let partial: Value = serde_json::from_slice(&out.stdout).expect("a closed JSON array");
    assert_eq!(partial.as_array().map(Vec::len), Some(2));
}

#[test]
fn error_envelope_exit_1_and_json_on_stderr() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(POST).path("/v2/incidents");
        then.status(422).json_body(json!({
            "type": "validation_error",
            "status": 422,
            "request_id": "req-123",
            "errors": [{ "code": "is_required", "message": "A severity is required", "source": { "field": "severity_id" } }],
        }));
    });
    let args = ["incidents-v2", "create", "--field", "visibility=public"];
    let out = run_against(&server.base_url(), &args);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("req-123"), "{}", stderr(&out));
    let mut json_args = vec!["--output", "json"];
    json_args.extend(args);
    let out = run_against(&server.base_url(), &json_args);
    assert_eq!(code(&out), 1);
    let line = stderr(&out)
        .lines()
        .find(|l| l.starts_with('{'))
        .expect("a JSON line")
        .to_owned();
    let error: Value = serde_json::from_str(&line).expect("JSON error");
    assert_eq!(error["status"], 422);
    assert_eq!(error["request_id"], "req-123");
    assert_eq!(error["type"], "validation_error");
    assert_eq!(error["errors"][0]["source"]["field"], "severity_id");
    assert_eq!(error["retryable"], false);
}

#[test]
fn dry_run_sends_nothing_and_hides_the_key() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(json!({}));
    });
    let out = run_against(
        &server.base_url(),
        &[
            "--dry-run",
            "incidents-v2",
            "create",
            "--field",
            "visibility=public",
            "--field",
            "name=db",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    any.assert_calls(0);
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("POST {}/v2/incidents", server.base_url())),
        "{text}"
    );
    assert!(text.contains("Authorization: Bearer ****"), "{text}");
    assert!(text.contains("\"name\": \"db\""), "{text}");
}

#[test]
fn idempotency_key_is_generated_sent_and_printed() {
    let mock = MockApi::start_blocking();
    let out = run_against(
        &mock.base_url(),
        &[
            "incidents-v2",
            "create",
            "--field",
            "visibility=public",
            "--field",
            "name=db",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let line = stderr(&out);
    let key = line
        .split_whitespace()
        .nth(1)
        .expect("idempotency_key: <uuid> …")
        .to_owned();
    assert!(line.starts_with("idempotency_key: "), "{line}");
    assert!(
        line.contains(&format!("--field idempotency_key={key}")),
        "{line}"
    );
    assert_eq!(key.len(), 36);
    assert_eq!(key.as_bytes()[14], b'4');
    let sent = mock
        .on("incidents_v2_create")
        .expect("route")
        .requests()
        .remove(0)
        .json()
        .expect("a body");
    assert_eq!(sent["idempotency_key"], key.as_str());
    assert_eq!(sent["name"], "db");
    // A given key is sent as is, and nothing is printed.
    let out = run_against(
        &mock.base_url(),
        &[
            "incidents-v2",
            "create",
            "--field",
            "visibility=public",
            "--field",
            "idempotency_key=mine",
        ],
    );
    assert!(!stderr(&out).contains("idempotency_key:"));
}

#[test]
fn raw_api_command() {
    let server = MockServer::start();
    let pages = three_pages(&server);
    let out = run_against(
        &server.base_url(),
        &["api", "GET", "/v2/incidents", "--all", "-o", "ndjson"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ids(&out).len(), 6);
    pages[2].assert_calls(1);
    let out = run_against(&server.base_url(), &["api", "GET", "/v2/incidents"]);
    let page: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(page["pagination_meta"]["after"], "c1");
}

#[test]
fn verbose_traces_requests_and_never_the_key() {
    let mock = MockApi::start_blocking();
    let out = run_against(
        &mock.base_url(),
        &["-v", "incidents-v2", "list", "--page-size", "5"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("[incidentio.request]"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("http.response.status_code=200"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn key_from_file_or_the_fallback_variable() {
    let server = MockServer::start();
    let with_key = |key: String| {
        server.mock(move |when, then| {
            when.method(GET)
                .path("/v1/severities")
                .header("authorization", format!("Bearer {key}"));
            then.status(200).json_body(json!({ "severities": [] }));
        })
    };
    let from_file = with_key(format!("{SECRET}-file"));
    let from_inc = with_key(format!("{SECRET}-inc"));
    let base = server.base_url();
    let dir = std::env::temp_dir().join(format!("incidentio-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("key");
    std::fs::write(&file, format!("{SECRET}-file\n")).expect("key file");
    let file = file.to_str().expect("UTF-8 path");
    let out = run_with(
        &[
            "--base-url",
            &base,
            "--api-key-file",
            file,
            "severities-v1",
            "list",
        ],
        None,
        None,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    from_file.assert_calls(1);
    assert!(!stdout(&out).contains(SECRET) && !stderr(&out).contains(SECRET));

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_incidentio"))
        .args(["--base-url", &base, "severities-v1", "list"])
        .env_remove("INCIDENT_IO_API_KEY")
        .env("INCIDENT_API_KEY", format!("{SECRET}-inc"))
        .output()
        .expect("runs");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    from_inc.assert_calls(1);
    assert!(!stdout(&out).contains(SECRET) && !stderr(&out).contains(SECRET));
    let _ = std::fs::remove_dir_all(&dir);
}
