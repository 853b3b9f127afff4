//! `describe`, help and completions.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{code, described, run, spec_operation_ids, stderr, stdout};

// The second reading the library's tests use too.
#[path = "../../../tests/it/common/reading.rs"]
mod reading;
use reading::{Takes, required_of};

#[test]
fn describe_has_one_entry_per_spec_operation() {
    let out = run(&["describe"]);
    assert_eq!(code(&out), 0);
    let all: Value = serde_json::from_str(&stdout(&out)).expect("describe is JSON");
    let ids: Vec<&str> = all
        .as_array()
        .expect("an array")
        .iter()
        .map(|op| op["operation_id"].as_str().expect("operation_id"))
        .collect();
    let spec = spec_operation_ids();
    assert_eq!(ids.len(), spec.len());
    let spec: BTreeSet<&str> = spec.iter().map(String::as_str).collect();
    assert_eq!(ids.into_iter().collect::<BTreeSet<_>>(), spec);
}

#[test]
fn describe_one_command() {
    let out = run(&["describe", "incidents-v2", "list"]);
    assert_eq!(code(&out), 0);
    let op: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(op["method"], "GET");
    assert_eq!(op["path"], "/v2/incidents");
    assert_eq!(op["paginated"], true);
    let status = op["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "status_category")
        .expect("status_category");
    assert_eq!(status["syntax"], "OP=VALUE");
    let deprecated: Value =
        serde_json::from_str(&stdout(&run(&["describe", "catalog-v2", "list-entries"])))
            .expect("JSON");
    assert_eq!(deprecated["deprecated"], true);
    assert_eq!(deprecated["replacement"], "catalog-v3 list-entries");
}

#[test]
fn help_lists_services_and_actions() {
    let root = stdout(&run(&["--help"]));
    assert!(root.contains("incidents-v2"), "{root}");
    assert!(root.contains("Exit codes"), "{root}");
    let service = stdout(&run(&["catalog-v3", "--help"]));
    assert!(service.contains("list-entries"), "{service}");
    let deprecated = stdout(&run(&["catalog-v2", "--help"]));
    assert!(deprecated.contains("deprecated"), "{deprecated}");
}

/// A run builds the full commands of only the services its arguments name
/// (`commands::cli_for`): a service named by its alias, a service also
/// named as a flag's value, and a mistyped action or service must parse
/// and suggest as with the whole tree.
#[test]
fn a_run_parses_as_with_the_whole_tree() {
    let out = run(&[
        "--fields",
        "severities-v1",
        "incidents",
        "list",
        "--dry-run",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("GET https://api.incident.io/v2/incidents"),
        "{}",
        stdout(&out)
    );
    let action = run(&["incidents-v2", "lst"]);
    assert_eq!(code(&action), 2);
    assert!(stderr(&action).contains("'list'"), "{}", stderr(&action));
    let service = run(&["incidents-v9", "list"]);
    assert_eq!(code(&service), 2);
    assert!(
        stderr(&service).contains("'incidents-v2'"),
        "{}",
        stderr(&service)
    );
}

/// Every service and every operation's action, as `describe` names them:
/// what a completion script must offer.
fn described_names(entries: &[Value]) -> (BTreeSet<String>, BTreeSet<String>) {
    let field = |name: &str| {
        entries
            .iter()
            .map(|op| op[name].as_str().expect("a name").to_owned())
            .collect::<BTreeSet<_>>()
    };
    (field("service"), field("action"))
}

#[test]
fn completions_name_every_service_and_action() {
    let (services, actions) = described_names(&described());
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        let missing: Vec<&String> = services
            .iter()
            .chain(&actions)
            .filter(|name| !script.contains(name.as_str()))
            .collect();
        assert!(missing.is_empty(), "{shell} completion lacks {missing:?}");
    }
}

/// Asks bash's completion for the words after `line`, as a user's tab does.
fn bash_completes(script: &str, words: &[&str]) -> BTreeSet<String> {
    let dir = std::env::temp_dir().join(format!("incidentio-completion-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("incidentio.bash");
    std::fs::write(&path, script).expect("the script written");
    let quoted: Vec<String> = words.iter().map(|word| format!("'{word}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; \
         _incidentio incidentio '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = std::process::Command::new("bash")
        .args(["--noprofile", "--norc", "-c", &program])
        .output()
        .expect("bash runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| line.trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

#[test]
fn bash_completion_offers_the_services_and_actions_a_prefix_names() {
    let script = stdout(&run(&["completions", "bash"]));
    let entries = described();
    let (services, _) = described_names(&entries);
    let offered = bash_completes(&script, &["incidentio", "inc"]);
    let expected: BTreeSet<String> = services
        .iter()
        .filter(|service| service.starts_with("inc"))
        .cloned()
        .collect();
    assert!(
        !expected.is_empty(),
        "the spec has no service starting with inc"
    );
    assert!(
        expected.is_subset(&offered),
        "`incidentio inc<TAB>` offers {offered:?}, not all of {expected:?}"
    );
    assert!(
        offered.iter().all(|word| word.starts_with("inc")),
        "`incidentio inc<TAB>` offers words that do not start with inc: {offered:?}"
    );

    let actions: BTreeSet<String> = entries
        .iter()
        .filter(|op| op["service"] == "incidents-v2")
        .map(|op| op["action"].as_str().expect("an action").to_owned())
        .collect();
    let offered = bash_completes(&script, &["incidentio", "incidents-v2", ""]);
    assert!(
        actions.is_subset(&offered),
        "`incidentio incidents-v2 <TAB>` offers {offered:?}, not all of {actions:?}"
    );
}

#[test]
fn table_and_ndjson_output() {
    let out = run(&[
        "--mock",
        "incidents-v2",
        "list",
        "-o",
        "table",
        "--fields",
        "reference,severity.name",
    ]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines
            .next()
            .map(str::split_whitespace)
            .map(Iterator::collect::<Vec<_>>),
        Some(vec!["REFERENCE", "SEVERITY.NAME"])
    );
    assert!(
        lines.next().expect("a row").starts_with("INC-123"),
        "{text}"
    );
    // A single resource (`{"incident": {…}}`) is one row of the resource.
    let out = run(&[
        "--mock",
        "incidents-v2",
        "show",
        "01FDAG4SAP5TYPT98WGR2N7W91",
        "-o",
        "table",
        "--fields",
        "reference",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().map(str::trim).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows[0] == "REFERENCE" && rows[1].starts_with("INC-"),
        "{text}"
    );
    let out = run(&["--mock", "incidents-v2", "list", "-o", "ndjson"]);
    for line in stdout(&out).lines() {
        let item: Value = serde_json::from_str(line).expect("one JSON value per line");
        assert!(item["id"].is_string());
    }
}

#[test]
fn describe_agrees_with_a_second_reading_of_the_spec() {
    let all: Value = serde_json::from_str(&stdout(&run(&["describe"]))).expect("JSON");
    let expected = reading::read(&crate::common::spec());
    let mut compared = 0;
    for op in all.as_array().expect("an array") {
        let id = op["operation_id"].as_str().expect("operation_id");
        let mut params: Vec<(String, String, bool, Vec<String>)> = op["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().expect("name").to_owned(),
                    p["in"].as_str().expect("in").to_owned(),
                    p["required"].as_bool().expect("required"),
                    p["enum"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|v| v.as_str().expect("string enum").to_owned())
                        .collect(),
                )
            })
            .collect();
        params.sort();
        let body_required =
            (!op["body"].is_null()).then(|| required_of(&op["body"]["json_schema"]));
        assert_eq!(
            Some(&Takes {
                params,
                body_required
            }),
            expected.get(id),
            "{id}"
        );
        compared += 1;
    }
    assert_eq!(compared, expected.len());
}
