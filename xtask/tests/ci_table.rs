//! CONTRIBUTING.md's CI table is `.ci/run`, step by step: the same steps
//! in the same order (each table row names the start of a `step "…"`
//! title), and the same `.ci/` scripts, so a step added to or dropped from
//! the script cannot leave the table describing another CI.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The titles of the script's `step "…"` lines, but the closing `done`.
fn steps(script: &str) -> Vec<String> {
    script
        .lines()
        .filter_map(|line| line.trim().strip_prefix("step \""))
        .filter_map(|rest| rest.split('"').next())
        .filter(|title| *title != "done")
        .map(str::to_owned)
        .collect()
}

/// The `.ci/…` scripts named in `text`.
fn scripts(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices(".ci/") {
        let name: String = text[at + 4..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if !name.is_empty() && name != "run" {
            out.insert(name);
        }
    }
    out
}

/// The rows of the table under `## CI`: (step, the row's whole text).
fn table(contributing: &str) -> Vec<(String, String)> {
    let section = contributing
        .split("\n## CI\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_default();
    section
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| ---"))
        .skip(1)
        .map(|line| {
            let step = line.split('|').nth(1).unwrap_or_default().trim().to_owned();
            (step, line.to_owned())
        })
        .collect()
}

/// Where the table and the script disagree, one line each.
fn disagreements(script: &str, contributing: &str) -> Vec<String> {
    let steps = steps(script);
    let rows = table(contributing);
    let mut out = Vec::new();
    if steps.len() != rows.len() {
        out.push(format!(
            "{} steps in .ci/run, {} rows in the table",
            steps.len(),
            rows.len()
        ));
    }
    for (step, (row, _)) in steps.iter().zip(&rows) {
        if !step.starts_with(row.as_str()) {
            out.push(format!("step `{step}` against row `{row}`"));
        }
    }
    let in_script = scripts(script);
    let in_table = scripts(
        &rows
            .iter()
            .map(|(_, line)| line.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    if in_script != in_table {
        out.push(format!(
            "scripts: .ci/run {in_script:?}, table {in_table:?}"
        ));
    }
    out
}

#[test]
fn contributing_ci_table_is_ci_run_step_by_step() {
    let root = repo_root();
    let script = fs::read_to_string(root.join(".ci/run")).unwrap();
    let contributing = fs::read_to_string(root.join("CONTRIBUTING.md")).unwrap();
    assert!(steps(&script).len() >= 10, "{:?}", steps(&script));
    let wrong = disagreements(&script, &contributing);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_step_missing_from_the_table_is_reported() {
    let script = "step \"toolchain\"\nstep \"tests (all)\"\n.ci/extra\nstep \"done\"\n";
    let table =
        "\n## CI\n\n| step | command |\n| --- | --- |\n| toolchain | `cargo` |\n\n## Next\n";
    let wrong = disagreements(script, table);
    assert!(wrong.iter().any(|w| w.contains("2 steps")), "{wrong:?}");
    assert!(wrong.iter().any(|w| w.contains("extra")), "{wrong:?}");
    let agreeing = "\n## CI\n\n| step | command |\n| --- | --- |\n| toolchain | `cargo` |\n| tests | [.ci/extra](.ci/extra) |\n";
    assert!(disagreements(script, agreeing).is_empty());
}
