//! `Cargo.toml` has one feature per service (API tag) of the spec, and
//! `full` enables exactly those; `cargo xtask refresh-spec` keeps it so.

use std::collections::BTreeSet;

/// The service features declared between the markers of `Cargo.toml`, and
/// the members of `full`.
fn declared() -> (BTreeSet<String>, BTreeSet<String>) {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("Cargo.toml");
    let block = manifest
        .split("# BEGIN SERVICE FEATURES")
        .nth(1)
        .and_then(|rest| rest.split("# END SERVICE FEATURES").next())
        .expect("service feature markers in Cargo.toml");
    let (full, rest) = block
        .split_once("]\n")
        .expect("a `full = [...]` list first");
    let full = full
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
        .map(str::to_owned)
        .collect();
    let features = rest
        .lines()
        .filter_map(|l| l.strip_suffix(" = []"))
        .map(str::to_owned)
        .collect();
    (features, full)
}

#[test]
fn every_service_of_the_spec_has_a_feature_and_full_enables_them_all() {
    let text = std::fs::read_to_string(env!("INCIDENTIO_SPEC_PATH")).expect("spec");
    let spec: serde_json::Value = serde_json::from_str(&text).expect("spec JSON");
    let tags: BTreeSet<&str> = spec["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("path item").values())
        .flat_map(|op| op["tags"].as_array().into_iter().flatten())
        .filter_map(|t| t.as_str())
        .collect();
    let listed: BTreeSet<&str> = incidentio::SERVICES.iter().map(|(tag, _)| *tag).collect();
    assert_eq!(tags, listed, "SERVICES lists the spec's tags");

    let expected: BTreeSet<String> = incidentio::SERVICES
        .iter()
        .map(|(_, feature)| (*feature).to_owned())
        .collect();
    let (features, full) = declared();
    assert_eq!(
        features, expected,
        "Cargo.toml's service features drifted from the spec: run `cargo xtask refresh-spec`"
    );
    assert_eq!(full, expected, "`full` must enable every service feature");
}
