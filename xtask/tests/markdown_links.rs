//! Every relative link in the repository's Markdown files (README,
//! ARCHITECTURE, CONTRIBUTING, CHANGELOG, AGENTS, benches/README.md, …)
//! points at a file or directory that exists. Web links (`http:`, `https:`,
//! `mailto:`) and in-page anchors are not checked; a `#fragment` after a
//! path is dropped before the path is checked. Code spans and fenced code
//! blocks are skipped: `[i](x)` in a sample is not a link.

use std::fs;
use std::path::{Path, PathBuf};

/// Directories never searched: build output, tools installed by CI, git.
const SKIP_DIRS: [&str; 4] = ["target", ".prism", "node_modules", ".git"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !SKIP_DIRS.contains(&name.as_ref()) {
                markdown_files(&path, out);
            }
        } else if name.ends_with(".md") {
            out.push(path);
        }
    }
}

/// The link destinations of `text`: inline `[..](dest)` / `![..](dest)`
/// and reference definitions `[label]: dest`, outside code. With the line
/// number of each.
fn links(text: &str) -> Vec<(usize, String)> {
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
        // Reference definition.
        if let Some(rest) = trimmed.strip_prefix('[')
            && let Some(close) = rest.find("]:")
            && !rest[..close].contains(']')
        {
            if let Some(dest) = rest[close + 2..].split_whitespace().next() {
                out.push((n + 1, dest.trim_matches(['<', '>']).to_owned()));
            }
            continue;
        }
        // Inline links, outside code spans.
        let mut in_code = false;
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'`' => in_code = !in_code,
                b']' if !in_code && bytes.get(i + 1) == Some(&b'(') => {
                    let start = i + 2;
                    let mut depth = 1;
                    let mut j = start;
                    while j < bytes.len() {
                        match bytes[j] {
                            b'(' => depth += 1,
                            b')' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                    if j < bytes.len() {
                        let inside = line[start..j].trim();
                        // `(dest "title")`
                        let dest = inside.split_whitespace().next().unwrap_or("");
                        out.push((n + 1, dest.trim_matches(['<', '>']).to_owned()));
                        i = j;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// The broken relative links under `root`, as `file:line: dest`.
fn broken_links(root: &Path) -> (usize, Vec<String>) {
    let mut files = Vec::new();
    markdown_files(root, &mut files);
    files.sort();
    let mut checked = 0;
    let mut broken = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for (line, dest) in links(&text) {
            let is_web = ["http://", "https://", "mailto:"]
                .iter()
                .any(|scheme| dest.starts_with(scheme));
            let path = dest.split('#').next().unwrap_or("");
            if is_web || path.is_empty() {
                continue;
            }
            checked += 1;
            let target = if let Some(abs) = path.strip_prefix('/') {
                root.join(abs)
            } else {
                file.parent().unwrap().join(path)
            };
            if !target.exists() {
                broken.push(format!(
                    "{}:{line}: {dest}",
                    file.strip_prefix(root).unwrap_or(file).display()
                ));
            }
        }
    }
    (checked, broken)
}

#[test]
fn every_relative_markdown_link_resolves() {
    let root = repo_root();
    let (checked, broken) = broken_links(&root);
    assert!(
        broken.is_empty(),
        "{} broken link(s) in the repository's Markdown:\n{}",
        broken.len(),
        broken.join("\n")
    );
    // The docs link to each other; zero links checked means the walk or
    // the parser is broken, not that the links are fine.
    assert!(checked >= 10, "only {checked} relative links found");
}

/// The check itself can fail: a tree with one good and one broken link of
/// each kind reports exactly the broken ones, and ignores links in code.
#[test]
fn a_broken_link_is_reported() {
    let dir = std::env::temp_dir().join(format!("xtask-links-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("docs")).unwrap();
    fs::create_dir_all(dir.join("target")).unwrap();
    fs::write(dir.join("docs/ok.md"), "fine\n").unwrap();
    fs::write(
        dir.join("README.md"),
        "[ok](docs/ok.md) [ok dir](docs/) [anchor](docs/ok.md#x) [web](https://x.invalid/y)\n\
         [missing](docs/missing.md) ![img](img/nope.png \"title\")\n\
         `[code](not/checked.md)`\n\
         ```\n[fenced](not/checked.md)\n```\n\
         [ref]: ./docs/gone.md\n",
    )
    .unwrap();
    fs::write(
        dir.join("docs/up.md"),
        "[up](../README.md) [bad](../NOPE.md)\n",
    )
    .unwrap();
    fs::write(dir.join("target/skip.md"), "[skipped](nowhere.md)\n").unwrap();
    let (checked, broken) = broken_links(&dir);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(
        broken,
        [
            "README.md:2: docs/missing.md",
            "README.md:2: img/nope.png",
            "README.md:7: ./docs/gone.md",
            "docs/up.md:1: ../NOPE.md",
        ]
    );
    assert_eq!(checked, 8);
}
