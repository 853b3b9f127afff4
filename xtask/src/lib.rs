//! `cargo xtask`: the maintenance tasks of the `incidentio` crate.
//!
//! - `refresh-spec` fetches the incident.io OpenAPI spec, proves the crate can
//!   be generated from it (with the very pipeline `build.rs` runs), writes it
//!   to `openapi/` in a stable form, updates the provenance file, and reports
//!   what changed, and adds that report to `CHANGELOG.md` under
//!   `## [Unreleased]`;
//! - `spec-diff` prints the same report for any two spec files.
//!
//! The logic lives in this library so it can be unit-tested; `main.rs` only
//! turns a result into output and an exit code.

#![forbid(unsafe_code)]

// The generation pipeline of build.rs, included rather than copied so that
// `refresh-spec` validates a spec with exactly what the build will run.
#[path = "../../build/mod.rs"]
mod codegen;

pub mod changelog;
pub mod cli;
pub mod date;
pub mod diff;
pub mod error;
pub mod features;
pub mod fetch;
pub mod layout;
pub mod lock;
pub mod refresh;
pub mod render;
pub mod spec;
pub mod stable;
pub mod verdict;
pub mod write;

pub use error::Error;
