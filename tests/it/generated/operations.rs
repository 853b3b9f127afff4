//! Every operation of the spec the crate was built from is generated, and
//! the deprecated ones are marked.

use crate::common::spec;

use std::collections::BTreeSet;

/// The spec's operations and the generated `OPERATIONS` table (one entry per
/// method found in the generated `impl Client`) are the same set, with the
/// same methods, paths, tags and deprecation flags.
#[test]
fn every_spec_operation_has_a_generated_method() {
    let spec = spec::load();
    let expected: BTreeSet<(String, String, String, bool)> = spec::operations(&spec)
        .iter()
        .map(|op| {
            (
                op.id.to_owned(),
                op.method.clone(),
                op.path.to_owned(),
                op.op["deprecated"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    let generated: BTreeSet<(String, String, String, bool)> = incidentio::OPERATIONS
        .iter()
        .map(|op| {
            (
                op.id.to_owned(),
                op.method.to_owned(),
                op.path.to_owned(),
                op.deprecated,
            )
        })
        .collect();
    assert_eq!(spec::operations(&spec).len(), incidentio::OPERATIONS.len());
    assert_eq!(expected, generated);

    let names: BTreeSet<&str> = incidentio::OPERATIONS
        .iter()
        .map(|op| op.method_name)
        .collect();
    assert_eq!(
        names.len(),
        incidentio::OPERATIONS.len(),
        "method names collide"
    );
}

/// Looking an operation up by its method name finds it (tracing relies on it).
#[test]
fn operations_are_found_by_method_name() {
    for op in incidentio::OPERATIONS {
        assert_eq!(
            incidentio::Operation::by_method_name(op.method_name),
            Some(op)
        );
    }
    assert_eq!(
        incidentio::Operation::by_method_name("no_such_method"),
        None
    );
}

/// The deprecated operations of the spec are the deprecated entries, and the
/// generated source carries a `#[deprecated]` on each of their methods.
#[test]
fn deprecated_operations_carry_deprecated_attributes() {
    let source = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/incidentio.rs"))
        .expect("generated source");
    let deprecated: Vec<_> = incidentio::OPERATIONS
        .iter()
        .filter(|op| op.deprecated)
        .collect();
    let spec = spec::load();
    let in_spec = spec::operations(&spec)
        .iter()
        .filter(|op| op.op["deprecated"].as_bool() == Some(true))
        .count();
    assert_eq!(deprecated.len(), in_spec);
    for op in deprecated {
        let signature = format!("pub fn {}(", op.method_name);
        let at = source
            .find(&signature)
            .unwrap_or_else(|| panic!("no method {}", op.method_name));
        let before = &source[..at];
        let attribute = before
            .rfind("#[deprecated(")
            .expect("a #[deprecated] attribute");
        let previous_method = before.rfind("pub fn ").unwrap_or(0);
        assert!(
            attribute > previous_method,
            "{} is not marked deprecated",
            op.method_name
        );
        assert!(
            before[attribute..].contains(op.id),
            "note must name {}",
            op.id
        );
    }
}
