//! The `CHANGELOG.md` entry a refresh writes: what changed in the API, in
//! the words of the report (service versions, operations added, removed and
//! newly deprecated, the verdict and the semver bump), inserted directly
//! under the `## [Unreleased]` heading of a Keep a Changelog file.
//!
//! Behaviour on bad input, chosen so that no text is ever lost:
//! - no `CHANGELOG.md` at the root: nothing is written there, and the
//!   refresh says so on stderr (the spec is still refreshed);
//! - a `CHANGELOG.md` without a `## [Unreleased]` heading: the refresh is
//!   refused before anything is written ([`Error::Changelog`]), naming the
//!   heading to add;
//! - everything else in the file stays byte-for-byte as it was.

use std::fmt::Write as _;

use crate::Error;
use crate::diff::OpRef;
use crate::render::Report;

/// The heading the entry goes under (compared with trailing spaces trimmed).
pub const UNRELEASED: &str = "## [Unreleased]";

/// The entry for one refresh, ending with a newline.
pub fn entry(report: &Report, today: &str) -> String {
    let diff = &report.diff;
    let (o, n) = (&diff.old, &diff.new);
    let mut out = String::new();
    let _ = writeln!(out, "### API spec refreshed ({today})");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "From `{}`: operations {} → {}, schemas {} → {}, service versions {} → {}.",
        report.new_source, o.operations, n.operations, o.schemas, n.schemas, o.tags, n.tags
    );
    let _ = writeln!(out);
    let bump = &report.verdict.bump;
    let bump_line = match (&bump.from, &bump.to) {
        (Some(from), Some(to)) => format!("{} bump, {from} → {to}", bump.kind),
        _ => format!("{} bump", bump.kind),
    };
    let _ = writeln!(
        out,
        "Verdict: **{}** ({bump_line}: {}).",
        report.verdict.level.as_str(),
        bump.why
    );
    let _ = writeln!(out);
    let services = |added: bool| -> Vec<String> {
        let list = if added {
            &diff.services_added
        } else {
            &diff.services_removed
        };
        list.iter()
            .map(|s| {
                let n = s.operations.len();
                format!("{} ({n} operation{})", s.tag, if n == 1 { "" } else { "s" })
            })
            .collect()
    };
    let ops = |list: &[OpRef]| -> Vec<String> {
        list.iter()
            .map(|op| format!("`{}` ({} {})", op.operation_id, op.method, op.path))
            .collect()
    };
    let lines = [
        ("Service versions added", services(true)),
        ("Service versions removed", services(false)),
        ("Operations added", ops(&diff.operations_added)),
        ("Operations removed", ops(&diff.operations_removed)),
        ("Operations newly deprecated", ops(&diff.newly_deprecated)),
        (
            "Operations no longer deprecated",
            ops(&diff.no_longer_deprecated),
        ),
    ];
    let mut any = false;
    for (title, items) in lines {
        if !items.is_empty() {
            any = true;
            let _ = writeln!(out, "- {title} ({}): {}", items.len(), items.join(", "));
        }
    }
    if !any {
        let _ = writeln!(
            out,
            "- No service versions or operations added, removed or (un)deprecated."
        );
    }
    out
}

/// `changelog` with `entry` inserted under its `## [Unreleased]` heading,
/// before whatever was there; the rest of the text is unchanged.
pub fn insert(changelog: &str, entry: &str, path: &std::path::Path) -> Result<String, Error> {
    let mut offset = 0;
    for line in changelog.split_inclusive('\n') {
        let next = offset + line.len();
        if line.trim_end() == UNRELEASED {
            let (before, after) = changelog.split_at(next);
            let mut out = String::with_capacity(changelog.len() + entry.len() + 3);
            out.push_str(before);
            if !before.ends_with('\n') {
                out.push('\n');
            }
            out.push('\n');
            out.push_str(entry);
            if !after.is_empty() && !after.starts_with('\n') {
                out.push('\n');
            }
            out.push_str(after);
            return Ok(out);
        }
        offset = next;
    }
    Err(Error::Changelog {
        path: path.to_path_buf(),
        what: format!("it has no `{UNRELEASED}` heading to put the change report under; add one"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const ENTRY: &str = "### API spec refreshed (2026-08-21)\n\nbody\n";

    #[test]
    fn goes_directly_under_the_heading_and_keeps_the_rest() {
        let before = "# Changelog\n\nintro\n\n## [Unreleased]\n\n### Added\n- x\n\n## [0.1.0]\n";
        let after = insert(before, ENTRY, Path::new("CHANGELOG.md")).unwrap();
        assert_eq!(
            after,
            format!(
                "# Changelog\n\nintro\n\n## [Unreleased]\n\n{ENTRY}\n### Added\n- x\n\n## [0.1.0]\n"
            )
        );
    }

    #[test]
    fn a_heading_at_the_end_or_without_a_newline() {
        let p = Path::new("CHANGELOG.md");
        assert_eq!(
            insert("## [Unreleased]\n", ENTRY, p).unwrap(),
            format!("## [Unreleased]\n\n{ENTRY}")
        );
        assert_eq!(
            insert("## [Unreleased]", ENTRY, p).unwrap(),
            format!("## [Unreleased]\n\n{ENTRY}")
        );
        assert_eq!(
            insert("## [Unreleased]  \r\n- y\n", ENTRY, p).unwrap(),
            format!("## [Unreleased]  \r\n\n{ENTRY}\n- y\n")
        );
    }

    #[test]
    fn no_unreleased_heading_is_an_error_naming_it() {
        let e = insert("# Changelog\n\n## [0.1.0]\n", ENTRY, Path::new("C.md")).unwrap_err();
        let message = e.to_string();
        assert!(message.contains("C.md"), "{message}");
        assert!(message.contains("## [Unreleased]"), "{message}");
        // A heading that only mentions it is not it.
        assert!(insert("## [Unreleased] - 2026\n", ENTRY, Path::new("C.md")).is_err());
    }
}
