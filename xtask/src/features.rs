//! Keeps the per-service Cargo features of the root manifest in sync with the
//! spec's tags: one feature per service (`Incidents V2` → `incidents-v2`),
//! and `full` enabling them all.
//!
//! The table lives between two marker comments in `Cargo.toml`, so it can be
//! rewritten without a TOML library and without touching anything else in
//! the file; `tests/it/generated/features_in_sync.rs` in the crate fails when it drifts.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::codegen::spec::{service_feature, service_tags};

/// Marks the start of the generated feature table in `Cargo.toml`.
pub const BEGIN: &str = "# BEGIN SERVICE FEATURES\n";
/// Marks its end.
pub const END: &str = "# END SERVICE FEATURES\n";

/// What a sync changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sync {
    /// The manifest with the new table.
    pub manifest: String,
    /// Service features the new spec brings.
    pub added: Vec<String>,
    /// Service features of services the new spec no longer has.
    pub removed: Vec<String>,
}

/// The service features of `spec`, sorted.
pub fn features_of(spec: &Value) -> BTreeSet<String> {
    service_tags(spec)
        .iter()
        .map(|tag| service_feature(tag))
        .collect()
}

/// The feature table for `features`, markers included.
pub fn table(features: &BTreeSet<String>) -> String {
    let mut out = String::from(BEGIN);
    out.push_str("full = [\n");
    for feature in features {
        out.push_str(&format!("    \"{feature}\",\n"));
    }
    out.push_str("]\n");
    for feature in features {
        out.push_str(&format!("{feature} = []\n"));
    }
    out.push_str(END);
    out
}

/// The manifest with its feature table made to match `spec`: `None` when the
/// manifest has no markers (nothing to keep in sync) or is already in sync.
pub fn sync(manifest: &str, spec: &Value) -> Option<Sync> {
    let start = manifest.find(BEGIN)?;
    let end = manifest[start..].find(END)? + start + END.len();
    let current = &manifest[start..end];
    let declared: BTreeSet<String> = current
        .lines()
        .filter_map(|line| line.strip_suffix(" = []"))
        .map(str::to_owned)
        .collect();
    let wanted = features_of(spec);
    let new_table = table(&wanted);
    if new_table == current {
        return None;
    }
    Some(Sync {
        manifest: format!("{}{new_table}{}", &manifest[..start], &manifest[end..]),
        added: wanted.difference(&declared).cloned().collect(),
        removed: declared.difference(&wanted).cloned().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(tags: &[&str]) -> Value {
        let ops: serde_json::Map<String, Value> = tags
            .iter()
            .enumerate()
            .map(|(i, tag)| (format!("/p{i}"), json!({ "get": { "tags": [tag] } })))
            .collect();
        json!({ "paths": ops })
    }

    #[test]
    fn a_new_service_version_becomes_a_new_feature() {
        let manifest = format!(
            "[features]\ndefault = [\"full\"]\n{}native-tls = []\n",
            table(&features_of(&spec(&["Incidents V2"])))
        );
        let synced = sync(&manifest, &spec(&["Incidents V2", "Incidents V3"])).expect("a change");
        assert_eq!(synced.added, ["incidents-v3"]);
        assert!(synced.removed.is_empty());
        assert!(synced.manifest.contains("    \"incidents-v3\",\n"));
        assert!(synced.manifest.contains("\nincidents-v3 = []\n"));
        assert!(synced.manifest.ends_with("native-tls = []\n"));
        assert!(
            synced
                .manifest
                .starts_with("[features]\ndefault = [\"full\"]\n")
        );
        // Applying it again changes nothing.
        assert_eq!(
            sync(&synced.manifest, &spec(&["Incidents V2", "Incidents V3"])),
            None
        );
    }

    #[test]
    fn a_retired_service_loses_its_feature() {
        let manifest = table(&features_of(&spec(&["Catalog V2", "Catalog V3"])));
        let synced = sync(&manifest, &spec(&["Catalog V3"])).expect("a change");
        assert_eq!(synced.removed, ["catalog-v2"]);
        assert!(!synced.manifest.contains("catalog-v2"));
    }

    #[test]
    fn a_manifest_without_markers_is_left_alone() {
        assert_eq!(
            sync("[package]\nname = \"x\"\n", &spec(&["Teams V3"])),
            None
        );
    }
}
