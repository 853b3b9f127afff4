//! Generates the incident.io client from the OpenAPI spec at compile time.
//!
//! Spec (`openapi/incident-io.json`, or the file named by `INCIDENT_IO_OPENAPI`)
//! → the pipeline of `build/mod.rs` (spec queries, transforms, progenitor,
//! syntax passes, emitters) → `$OUT_DIR/incidentio.rs`, included once by
//! `src/generated.rs`. What each step touched is written to
//! `$OUT_DIR/codegen-report.txt`; the files for the crate's own tests go
//! beside it.

#[path = "build/mod.rs"]
mod codegen;

use std::path::{Path, PathBuf};

fn main() {
    if let Err(message) = run() {
        // One line naming the problem; cargo shows it as the build's error.
        println!("cargo::error={message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env("OUT_DIR")?);

    println!("cargo::rerun-if-env-changed={}", codegen::SPEC_ENV_VAR);
    println!("cargo::rerun-if-env-changed=INCIDENTIO_STRICT_ENUMS");
    // A directory: cargo re-runs the script when any file under it changes,
    // so a new pass needs no entry here.
    for source in ["build.rs", "build"] {
        println!("cargo::rerun-if-changed={source}");
    }

    let spec_path = match std::env::var_os(codegen::SPEC_ENV_VAR) {
        Some(path) if !path.is_empty() => manifest_dir.join(path),
        _ => manifest_dir.join(codegen::DEFAULT_SPEC_PATH),
    };
    println!("cargo::rerun-if-changed={}", spec_path.display());
    // Tests compare the generated client with the very spec it came from.
    println!(
        "cargo::rustc-env=INCIDENTIO_SPEC_PATH={}",
        spec_path.display()
    );

    let spec = codegen::read_spec(&spec_path).map_err(|e| e.to_string())?;
    let options = codegen::Options {
        services: enabled_services(&spec),
        // A benchmarking knob: strict enums, to price tolerance. The crate's
        // tests of tolerance fail in such a build, by design.
        tolerant_enums: std::env::var_os("INCIDENTIO_STRICT_ENUMS").is_none(),
        webhooks: feature_enabled("webhooks"),
        mock: feature_enabled("mock"),
        catalog: feature_enabled("catalog"),
    };
    let generated = codegen::generate_with(spec, &options)
        .map_err(|e| format!("{} (spec: {})", e, spec_path.display()))?;

    write(&out_dir.join("incidentio.rs"), &generated.code)?;
    write(
        &out_dir.join("operation_types.rs"),
        &generated.operation_types,
    )?;
    write(
        &out_dir.join("list_operations.rs"),
        &generated.list_operations,
    )?;
    write(
        &out_dir.join("conformance_calls.rs"),
        &generated.conformance_calls,
    )?;
    write(
        &out_dir.join("codegen-report.txt"),
        &format!("spec: {}\n{}", spec_path.display(), generated.report_text()),
    )
}

/// Whether Cargo feature `name` is enabled for this build.
fn feature_enabled(name: &str) -> bool {
    let var = format!("CARGO_FEATURE_{}", name.to_uppercase().replace('-', "_"));
    std::env::var_os(var).is_some()
}

/// The service features enabled, or `None` for every service (`full`).
fn enabled_services(spec: &serde_json::Value) -> Option<std::collections::BTreeSet<String>> {
    if feature_enabled("full") {
        return None;
    }
    Some(
        codegen::spec::service_tags(spec)
            .iter()
            .map(|tag| codegen::spec::service_feature(tag))
            .filter(|feature| feature_enabled(feature))
            .collect(),
    )
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("cargo did not set {name}"))
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
