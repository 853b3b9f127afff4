//! Turning bytes into a spec the crate can be generated from, and the counts
//! recorded in the provenance file. Validation is the build's own
//! ([`crate::codegen`]): the shape checks of `parse_spec`, then the whole
//! transform + progenitor + post-processing pipeline, so a spec accepted here
//! is one `cargo build` accepts.

use std::path::Path;

use serde_json::Value;

use crate::{Error, codegen};

/// Parses and shape-checks a document (no code generation).
/// `origin` names it in errors.
pub fn parse(bytes: &[u8], origin: &str) -> Result<Value, Error> {
    let rejected = |what: String| Error::Spec {
        origin: origin.to_owned(),
        what,
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|e| rejected(format!("the spec is not UTF-8 text ({e})")))?;
    codegen::parse_spec(text).map_err(|e| rejected(e.to_string()))
}

/// Reads and parses a spec file.
pub fn read(path: &Path) -> Result<Value, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&bytes, &path.display().to_string())
}

/// Runs the build's code generation on `spec` and discards the code: the
/// proof that the crate will build from it.
pub fn check_generates(spec: &Value, origin: &str) -> Result<(), Error> {
    codegen::generate(spec.clone())
        .map(drop)
        .map_err(|e| Error::Spec {
            origin: origin.to_owned(),
            what: e.to_string(),
        })
}

/// The counts of the provenance file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Operations (method + path).
    pub operations: usize,
    /// Component schemas.
    pub schemas: usize,
    /// Distinct tags used by operations.
    pub tags: usize,
}

/// Counts the operations, component schemas and operation tags of `spec`,
/// as the build reads them.
pub fn counts(spec: &Value) -> Counts {
    Counts {
        operations: codegen::spec::operation_refs(spec).len(),
        schemas: codegen::spec::component_schemas(spec).map_or(0, |s| s.len()),
        tags: codegen::spec::service_tags(spec).len(),
    }
}

/// `(path, method, operation)` of every operation, as the build sees them.
pub fn operations(spec: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
    spec.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(codegen::spec::operations)
}

/// The name of the generated client method for an operationId.
pub fn method_name(operation_id: &str) -> String {
    codegen::spec::method_name(operation_id)
}
