//! `refresh-spec` records its change report in `CHANGELOG.md`: between two
//! of the history specs, the entry lands directly under `## [Unreleased]`
//! and every other byte of the file stays as it was; a changelog without
//! that heading refuses the refresh and nothing is written; a checkout
//! without a changelog is refreshed and told so.

mod common;

use std::fs;

use common::{Root, shared, subset};
use serde_json::Value;

/// The services whose history between 2024-06-27 and 2025-06-20 has each
/// kind of change the entry reports: a new service version (Catalog V3), an
/// operation removed (Managed Resources V2#CreateManagedResource) and twelve
/// newly deprecated (all of Catalog V2). A subset generates in a fraction
/// of the whole spec's time.
const SERVICES: [&str; 3] = ["Catalog V2", "Catalog V3", "Managed Resources V2"];

const HEAD: &str = "# Changelog\n\nAll notable changes.\n\n## [Unreleased]\n";
const TAIL: &str = "\n### Added\n\n- Something a person wrote.\n\n## [0.1.0] - 2026-12-05\n\n### Added\n\n- The first version.\n\n[Unreleased]: https://example.invalid/compare\n";

fn history(rel: &str) -> Value {
    subset(
        &serde_json::from_slice(&fs::read(shared(rel)).unwrap()).unwrap(),
        &SERVICES,
    )
}

/// A root pinned to the 2024-06-27 subset, and the 2025-06-20 subset as
/// the refresh's source.
fn root_with(name: &str, changelog: Option<&str>) -> (Root, String) {
    let root = Root::empty(name);
    let old = root.input(
        "2024-06-27.json",
        history("history/2024-06-27.json").to_string(),
    );
    root.pin(&old);
    if let Some(text) = changelog {
        fs::write(root.dir.join("CHANGELOG.md"), text).unwrap();
    }
    let from = root.input(
        "2025-06-20.json",
        history("history/2025-06-20.json").to_string(),
    );
    (root, from.to_str().unwrap().to_owned())
}

#[test]
fn a_refresh_adds_its_report_under_unreleased_and_nothing_else() {
    let before = format!("{HEAD}{TAIL}");
    let (root, from) = root_with("changelog", Some(&before));
    let run = root.xtask(&["refresh-spec", "--from", &from]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("CHANGELOG.md: change report added under [Unreleased]"),
        "{}",
        run.stderr
    );

    let after = fs::read_to_string(root.dir.join("CHANGELOG.md")).unwrap();
    // Everything before the heading (and the heading) and everything after
    // it, byte for byte; in between, one blank line and the entry.
    assert!(after.starts_with(HEAD), "{after}");
    assert!(after.ends_with(TAIL), "{after}");
    let entry = &after[HEAD.len()..after.len() - TAIL.len()];
    assert_eq!(after.len(), before.len() + entry.len());
    let entry = entry.strip_prefix('\n').expect("a blank line first");
    assert!(entry.ends_with('\n'));

    let lines: Vec<&str> = entry.lines().collect();
    assert_eq!(lines[0], "### API spec refreshed (2026-08-21)");
    assert!(lines[2].starts_with(&format!("From `{from}`: operations ")));
    assert!(
        lines[4].starts_with("Verdict: **breaking** (major bump"),
        "{}",
        lines[4]
    );
    let line = |prefix: &str| -> &str {
        lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} line in\n{entry}"))
    };
    assert!(line("- Service versions added (1): ").contains("Catalog V3 (12 operations)"));
    assert!(
        line("- Operations removed (1): ")
            .contains("`Managed Resources V2#CreateManagedResource` (POST ")
    );
    let deprecated = line("- Operations newly deprecated (12): ");
    for id in ["Catalog V2#ListEntries", "Catalog V2#UpdateTypeSchema"] {
        assert!(deprecated.contains(&format!("`{id}`")), "{deprecated}");
    }
    // The same verdict as the report on stdout.
    assert!(run.stdout.contains("Verdict: breaking"), "{}", run.stdout);

    // A second run finds the spec up to date and adds nothing.
    let again = root.xtask(&["refresh-spec", "--from", &from]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        fs::read_to_string(root.dir.join("CHANGELOG.md")).unwrap(),
        after
    );
}

#[test]
fn a_changelog_without_unreleased_refuses_the_refresh_and_writes_nothing() {
    let text = "# Changelog\n\n## [0.1.0] - 2026-12-05\n\n- The first version.\n";
    let (root, from) = root_with("changelog-no-unreleased", Some(text));
    let before = root.fingerprint();
    root.xtask(&["refresh-spec", "--from", &from])
        .assert_error("has no `## [Unreleased]` heading");
    assert_eq!(root.fingerprint(), before, "openapi/ unchanged");
    assert_eq!(
        fs::read_to_string(root.dir.join("CHANGELOG.md")).unwrap(),
        text
    );
}

#[test]
fn without_a_changelog_the_refresh_goes_on_and_says_so() {
    let (root, from) = root_with("changelog-none", None);
    let run = root.xtask(&["refresh-spec", "--from", &from]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("CHANGELOG.md: not found"),
        "{}",
        run.stderr
    );
    assert!(!root.dir.join("CHANGELOG.md").exists());
}
