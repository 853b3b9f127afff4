//! Every repository path the five docs a newcomer reads name in backticks
//! (`src/catalog/arguments.rs`, `.ci/run`, `cli/tests/it/`) exists, so a
//! renamed or removed file cannot leave the docs pointing at nothing. A
//! code span counts as a path when it has no spaces and starts with an
//! entry of the repository's top level (`src/…`, `cli/…`, `Cargo.toml`):
//! API paths (`/v2/incidents`), flags and code are not paths.

use std::fs;
use std::path::{Path, PathBuf};

/// The docs held to it: what a newcomer, a contributor and an agent read.
const DOCS: [&str; 5] = [
    "README.md",
    "ARCHITECTURE.md",
    "CONTRIBUTING.md",
    "AGENTS.md",
    "cli/README.md",
];

/// Top-level entries that are build output or installed tools, never named
/// as sources.
const NOT_SOURCES: [&str; 3] = ["target", ".prism", "node_modules"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The code spans of `text` (inline, outside fenced blocks), with their
/// line numbers.
fn code_spans(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let (Some(inside), Some(_)) = (parts.next(), parts.next()) {
            out.push((n + 1, inside.to_owned()));
        }
    }
    out
}

/// The repository path a code span names, if it names one.
fn as_repo_path(root: &Path, span: &str) -> Option<String> {
    let span = span.trim();
    if span.is_empty()
        || span.contains(char::is_whitespace)
        || span.contains("://")
        || span.contains(['*', '{', '<', '…', '$', '=', '('])
    {
        return None;
    }
    // `build/mod.rs`'s `PIPELINE`: the file before any Rust path.
    let path = span.split("::").next().unwrap_or(span);
    let first = path.split('/').next().unwrap_or(path);
    // `../../shared/…` is where a symlink points, not a repository path.
    if first.is_empty() || first == ".." || NOT_SOURCES.contains(&first) {
        return None;
    }
    root.join(first).exists().then(|| path.to_owned())
}

/// The paths named in `docs` (relative to `root`) that do not exist, as
/// `doc:line: path`, and how many paths were checked.
fn missing_paths(root: &Path, docs: &[&str]) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut missing = Vec::new();
    for doc in docs {
        let text = fs::read_to_string(root.join(doc)).unwrap_or_default();
        for (line, span) in code_spans(&text) {
            let Some(path) = as_repo_path(root, &span) else {
                continue;
            };
            checked += 1;
            if !root.join(&path).exists() {
                missing.push(format!("{doc}:{line}: {path}"));
            }
        }
    }
    (checked, missing)
}

#[test]
fn every_path_the_docs_name_exists() {
    let root = repo_root();
    for doc in DOCS {
        assert!(root.join(doc).exists(), "{doc} is gone");
    }
    let (checked, missing) = missing_paths(&root, &DOCS);
    assert!(
        missing.is_empty(),
        "{} path(s) named in the docs do not exist:\n{}",
        missing.len(),
        missing.join("\n")
    );
    // The docs name dozens of files; none checked means the scan broke.
    assert!(checked >= 30, "only {checked} paths found in the docs");
}

/// The check can fail: a doc naming one existing and one missing file,
/// beside spans that are not paths, reports exactly the missing one.
#[test]
fn a_missing_path_is_reported() {
    let dir = std::env::temp_dir().join(format!("xtask-doc-paths-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("src")).unwrap();
    fs::write(dir.join("src/here.rs"), "").unwrap();
    fs::write(
        dir.join("DOC.md"),
        "`src/here.rs` and `src/gone.rs`, `src/here.rs::f`, `/v2/incidents`,\n\
         `--flag`, `cargo test -p x`, `status[one_of]=X`, `elsewhere/x.rs`\n\
         ```\n`src/fenced.rs`\n```\n",
    )
    .unwrap();
    let (checked, missing) = missing_paths(&dir, &["DOC.md"]);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(missing, ["DOC.md:1: src/gone.rs"]);
    assert_eq!(checked, 3);
}

/// The README a newcomer opens: at most 250 lines, and within its first 60
/// one code block holding the two set-up commands, each on its own line.
#[test]
fn the_readme_opens_with_its_set_up_commands_and_stays_short() {
    let text = fs::read_to_string(repo_root().join("README.md")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 250, "README.md has {} lines", lines.len());
    let head = &lines[..lines.len().min(60)];
    let open = head
        .iter()
        .position(|l| l.trim_start().starts_with("```sh"))
        .expect("a shell block in the first 60 lines");
    let block: Vec<&str> = head[open + 1..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with("```"))
        .copied()
        .collect();
    for command in [
        "cargo run --example quickstart",
        "cargo test --workspace --all-features",
    ] {
        assert!(
            block.iter().any(|l| l.trim_start().starts_with(command)),
            "`{command}` is not a line of the first block: {block:?}"
        );
    }
}
