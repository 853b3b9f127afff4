//! Generates the incident.io client from the OpenAPI spec at compile time.
//!
//! Spec (`openapi/incident-io.json`, or the file named by `INCIDENT_IO_OPENAPI`)
//! → the pipeline of `build/mod.rs` (spec queries, transforms, progenitor,
//! syntax passes, emitters) → `$OUT_DIR/incidentio.rs`, included once by
//! `src/generated.rs`. What each step touched is written to
//! `$OUT_DIR/codegen-report.txt`. In this repository's own builds (see
//! [`WORKSPACE_ENV_VAR`]) the files for the crate's tests go beside it.

#[path = "build/mod.rs"]
mod codegen;

use std::path::{Path, PathBuf};

/// Set by this repository's `.cargo/config.toml` (`[env]`), which cargo
/// reads only for builds started inside the repository: a project that
/// depends on the crate never sets it, so its build writes no test files
/// and reads no measuring knob.
const WORKSPACE_ENV_VAR: &str = "INCIDENTIO_WORKSPACE";

/// Strict enums instead of `Tolerant<E>`, to price tolerance (the crate's
/// tests of tolerance fail in such a build, by design). Read only in this
/// repository's builds.
const STRICT_ENUMS_ENV_VAR: &str = "INCIDENTIO_STRICT_ENUMS";

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
    println!("cargo::rerun-if-env-changed={WORKSPACE_ENV_VAR}");
    let workspace = std::env::var_os(WORKSPACE_ENV_VAR).is_some_and(|v| !v.is_empty());
    if workspace {
        println!("cargo::rerun-if-env-changed={STRICT_ENUMS_ENV_VAR}");
    }
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
    if workspace {
        // Tests compare the generated client with the very spec it came from.
        println!(
            "cargo::rustc-env=INCIDENTIO_SPEC_PATH={}",
            spec_path.display()
        );
    }

    let spec = codegen::read_spec(&spec_path).map_err(|e| e.to_string())?;
    let options = codegen::Options {
        services: enabled_services(&spec),
        tolerant_enums: !(workspace && std::env::var_os(STRICT_ENUMS_ENV_VAR).is_some()),
        webhooks: feature_enabled("webhooks"),
        mock: feature_enabled("mock"),
        catalog: feature_enabled("catalog"),
        test_outputs: workspace,
    };
    let generated = codegen::generate_with(spec, &options)
        .map_err(|e| format!("{} (spec: {})", e, spec_path.display()))?;

    write(&out_dir.join("incidentio.rs"), &generated.code)?;
    for (name, contents) in &generated.test_files {
        write(&out_dir.join(name), contents)?;
    }
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
