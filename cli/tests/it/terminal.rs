//! On a terminal (a pseudo-terminal from util-linux's `script`), list
//! commands print a table of identifying fields; piped, the same commands
//! print the API's JSON.

use std::process::Command;

use serde_json::Value;

use crate::common::{run, stdout};

/// Runs the binary with `args` on a pseudo-terminal; its output with
/// `\r\n` turned back into `\n`.
fn on_terminal(args: &[&str]) -> String {
    let command = std::iter::once(env!("CARGO_BIN_EXE_incidentio"))
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("INCIDENT_IO_API_KEY")
        .env_remove("INCIDENT_API_KEY")
        .output()
        .expect("`script` (util-linux, in bsdutils on Debian) runs");
    assert!(out.status.success(), "{command}: {out:?}");
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

/// The header's columns and the rows.
fn table(text: &str) -> (Vec<String>, Vec<String>) {
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    (header, lines.map(str::to_owned).collect())
}

#[test]
fn lists_are_tables_on_a_terminal_and_json_when_piped() {
    let piped: Value =
        serde_json::from_str(&stdout(&run(&["--mock", "incidents", "list"]))).expect("piped JSON");
    let incidents = piped["incidents"].as_array().expect("incidents");
    assert!(!incidents.is_empty());

    let text = on_terminal(&["--mock", "incidents", "list"]);
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    let (header, rows) = table(&text);
    assert_eq!(rows.len(), incidents.len(), "{text}");
    // The identifying fields the items have, objects by their name.
    let first = &incidents[0];
    assert_eq!(header[0], "ID");
    for (field, column) in [
        ("reference", "REFERENCE"),
        ("name", "NAME"),
        ("incident_status", "INCIDENT_STATUS.NAME"),
        ("severity", "SEVERITY.NAME"),
        ("created_at", "CREATED_AT"),
    ] {
        assert_eq!(
            header.contains(&column.to_owned()),
            !first[field].is_null(),
            "{column} in {header:?}"
        );
    }
    for (row, incident) in rows.iter().zip(incidents) {
        assert!(row.starts_with(incident["id"].as_str().unwrap()), "{row}");
        assert!(row.contains(incident["name"].as_str().unwrap()), "{row}");
    }

    // --fields chooses; a single resource stays JSON; --output json wins.
    let (header, _) = table(&on_terminal(&[
        "--mock",
        "incidents",
        "list",
        "--fields",
        "id,name",
    ]));
    assert_eq!(header, ["ID", "NAME"]);
    let id = incidents[0]["id"].as_str().unwrap();
    let shown = on_terminal(&["--mock", "incidents", "show", id]);
    assert!(serde_json::from_str::<Value>(&shown).is_ok(), "{shown}");
    let json = on_terminal(&["--mock", "incidents", "list", "--output", "json"]);
    assert!(serde_json::from_str::<Value>(&json).is_ok(), "{json}");
}
