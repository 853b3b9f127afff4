//! Judging a [`SpecDiff`]: is the new spec breaking for this crate's users,
//! merely additive, or no change at all, and which version bump follows.
//!
//! The rules are about the generated Rust API, not the HTTP API:
//! - **breaking**: an operation removed or its method renamed; a parameter
//!   removed, a new required one, or one that became required (the builder
//!   then fails at `send()`); an enum value removed (a variant disappears);
//!   a schema or property removed (a type or field disappears); a property
//!   that request bodies must now carry;
//! - **additive**: new operations, service versions, optional parameters,
//!   schemas, properties and enum values (response enums are tolerant, and
//!   the builder interface keeps new optional fields out of callers' way);
//!   deprecations (a warning, a minor change in semver);
//! - **none**: nothing the report tracks changed.

use serde::Serialize;

use crate::diff::SpecDiff;

/// The verdict's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing tracked changed.
    None,
    /// Only additions (and deprecations).
    Additive,
    /// Something callers may rely on changed or disappeared.
    Breaking,
}

impl Level {
    /// `none`, `additive` or `breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Additive => "additive",
            Level::Breaking => "breaking",
        }
    }
}

/// The semver bump a verdict implies for this crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bump {
    /// `major`, `minor`, `patch` or `none`.
    pub kind: &'static str,
    /// The crate's current version, if known.
    pub from: Option<String>,
    /// The next version, if the current one is known and a bump is needed.
    pub to: Option<String>,
    /// One sentence explaining the bump.
    pub why: String,
}

/// The verdict with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The level.
    pub level: Level,
    /// Why it is breaking (empty unless it is).
    pub breaking: Vec<String>,
    /// What was added (the additive changes, whatever the level).
    pub additive: Vec<String>,
    /// The implied version bump.
    pub bump: Bump,
}

/// Judges `diff`; `crate_version` is the crate's current version, if known.
pub fn assess(diff: &SpecDiff, crate_version: Option<&str>) -> Verdict {
    let mut breaking = Vec::new();
    let mut additive = Vec::new();
    let note = |list: &mut Vec<String>, what: &str, items: Vec<String>| {
        if !items.is_empty() {
            list.push(format!("{} {what}: {}", items.len(), abbreviate(&items)));
        }
    };

    let used = |schema: &str| !diff.unused_in_old.iter().any(|u| u == schema);
    let op = |o: &crate::diff::OpRef| format!("{} {}", o.method, o.path);
    note(
        &mut breaking,
        "operation(s) removed",
        diff.operations_removed.iter().map(op).collect(),
    );
    let changed = &diff.operations_changed;
    let per_param = |pick: fn(&crate::diff::OperationChange) -> &Vec<crate::diff::Param>| {
        changed
            .iter()
            .flat_map(|c| {
                pick(c)
                    .iter()
                    .map(move |p| format!("{} of {}", p.name, c.operation.operation_id))
            })
            .collect::<Vec<_>>()
    };
    note(
        &mut breaking,
        "generated method(s) renamed",
        changed
            .iter()
            .filter(|c| c.method_renamed)
            .map(|c| {
                format!(
                    "{} -> {}",
                    c.renamed_from.as_deref().unwrap_or_default(),
                    c.operation.operation_id
                )
            })
            .collect(),
    );
    note(
        &mut breaking,
        "parameter(s) removed",
        per_param(|c| &c.parameters_removed),
    );
    note(
        &mut breaking,
        "required parameter(s) added",
        changed
            .iter()
            .flat_map(|c| {
                c.parameters_added
                    .iter()
                    .filter(|p| p.required)
                    .map(move |p| format!("{} of {}", p.name, c.operation.operation_id))
            })
            .collect(),
    );
    note(
        &mut breaking,
        "parameter(s) now required",
        per_param(|c| &c.now_required),
    );
    note(
        &mut breaking,
        "enum(s) lost values",
        diff.enums
            .iter()
            .filter(|e| !e.removed.is_empty() && e.schema.as_deref().is_none_or(used))
            .map(|e| format!("{} ({})", e.location, e.removed.join(", ")))
            .collect(),
    );
    note(
        &mut breaking,
        "schema(s) removed",
        diff.schemas_removed
            .iter()
            .filter(|s| used(s))
            .cloned()
            .collect(),
    );
    note(
        &mut breaking,
        "property(ies) removed",
        diff.properties
            .iter()
            .filter(|p| used(&p.schema))
            .flat_map(|p| p.removed.iter().map(move |r| format!("{}.{r}", p.schema)))
            .collect(),
    );
    note(
        &mut breaking,
        "request-body property(ies) now required",
        diff.newly_required_in_requests
            .iter()
            .map(|r| format!("{}.{}", r.schema, r.property))
            .collect(),
    );

    note(
        &mut additive,
        "service version(s) added",
        diff.services_added.iter().map(|s| s.tag.clone()).collect(),
    );
    note(
        &mut additive,
        "operation(s) added",
        diff.operations_added.iter().map(op).collect(),
    );
    note(
        &mut additive,
        "operation(s) newly deprecated",
        diff.newly_deprecated
            .iter()
            .map(|o| o.operation_id.clone())
            .collect(),
    );
    note(
        &mut additive,
        "operation(s) no longer deprecated",
        diff.no_longer_deprecated
            .iter()
            .map(|o| o.operation_id.clone())
            .collect(),
    );
    note(
        &mut additive,
        "optional parameter(s) added",
        changed
            .iter()
            .flat_map(|c| {
                c.parameters_added
                    .iter()
                    .filter(|p| !p.required)
                    .map(move |p| format!("{} of {}", p.name, c.operation.operation_id))
            })
            .collect(),
    );
    note(
        &mut additive,
        "parameter(s) now optional",
        per_param(|c| &c.now_optional),
    );
    note(
        &mut additive,
        "operationId(s) renamed with the same method name",
        changed
            .iter()
            .filter(|c| c.renamed_from.is_some() && !c.method_renamed)
            .map(|c| c.operation.operation_id.clone())
            .collect(),
    );
    note(
        &mut additive,
        "enum(s) gained values",
        diff.enums
            .iter()
            .filter(|e| !e.added.is_empty())
            .map(|e| e.location.clone())
            .collect(),
    );
    note(&mut additive, "schema(s) added", diff.schemas_added.clone());
    note(
        &mut additive,
        "property(ies) added",
        diff.properties
            .iter()
            .flat_map(|p| p.added.iter().map(move |a| format!("{}.{a}", p.schema)))
            .collect(),
    );

    note(
        &mut additive,
        "unused schema(s) removed or reduced (no operation reached them, so never generated: not breaking)",
        diff.unused_in_old.clone(),
    );

    let level = if !breaking.is_empty() {
        Level::Breaking
    } else if !additive.is_empty() {
        Level::Additive
    } else {
        Level::None
    };
    Verdict {
        level,
        breaking,
        additive,
        bump: bump(level, crate_version),
    }
}

/// The first few items, then how many more (the report's sections list all).
fn abbreviate(items: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        text.push_str(&format!(", and {} more", items.len() - SHOWN));
    }
    text
}

/// The semver bump for `level` from `version` (Cargo's rules: while the
/// major version is 0, the minor number is the compatibility boundary).
pub fn bump(level: Level, version: Option<&str>) -> Bump {
    let parsed = version.and_then(parse_version);
    let from = version.map(str::to_owned);
    match (level, parsed) {
        (Level::None, _) => Bump {
            kind: "none",
            from,
            to: None,
            why: "the generated API is unchanged; no release is needed for it".into(),
        },
        (Level::Breaking, Some((0, minor, _))) => Bump {
            kind: "minor",
            from,
            to: Some(format!("0.{}.0", minor + 1)),
            why: "breaking change; while the crate is 0.x that is a minor bump".into(),
        },
        (Level::Breaking, Some((major, _, _))) => Bump {
            kind: "major",
            from,
            to: Some(format!("{}.0.0", major + 1)),
            why: "breaking change".into(),
        },
        (Level::Additive, Some((0, minor, patch))) => Bump {
            kind: "patch",
            from,
            to: Some(format!("0.{minor}.{}", patch + 1)),
            why: "additions only; while the crate is 0.x that is a patch bump".into(),
        },
        (Level::Additive, Some((major, minor, _))) => Bump {
            kind: "minor",
            from,
            to: Some(format!("{major}.{}.0", minor + 1)),
            why: "additions only".into(),
        },
        (Level::Breaking, None) => Bump {
            kind: "major",
            from,
            to: None,
            why: "breaking change (a minor bump while the crate is 0.x)".into(),
        },
        (Level::Additive, None) => Bump {
            kind: "minor",
            from,
            to: None,
            why: "additions only (a patch bump while the crate is 0.x)".into(),
        },
    }
}

fn parse_version(version: &str) -> Option<(u64, u64, u64)> {
    let core = version.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_follow_cargo_semver() {
        assert_eq!(
            bump(Level::Breaking, Some("0.1.3")).to.as_deref(),
            Some("0.2.0")
        );
        assert_eq!(
            bump(Level::Additive, Some("0.1.3")).to.as_deref(),
            Some("0.1.4")
        );
        assert_eq!(
            bump(Level::Breaking, Some("1.4.2")).to.as_deref(),
            Some("2.0.0")
        );
        assert_eq!(
            bump(Level::Additive, Some("1.4.2")).to.as_deref(),
            Some("1.5.0")
        );
        assert_eq!(bump(Level::None, Some("1.4.2")).kind, "none");
        assert_eq!(bump(Level::Breaking, None).kind, "major");
        assert_eq!(
            bump(Level::Additive, Some("1.0.0-rc.1")).to.as_deref(),
            Some("1.1.0")
        );
    }

    #[test]
    fn long_lists_are_abbreviated() {
        let items: Vec<String> = (1..=7).map(|i| i.to_string()).collect();
        assert_eq!(abbreviate(&items), "1, 2, 3, 4, 5, and 2 more");
    }
}
